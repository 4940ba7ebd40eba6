// Dev-only: Apollo's own composition and query planner, to set our plans beside theirs.
//
//   node apollo_reference.mjs compose < [{"name", "url", "sdl"}, ...]   -> supergraph SDL
//   node apollo_reference.mjs plan SUPERGRAPH_FILE [OPERATION_NAME] < query -> printed plan
//   node apollo_reference.mjs plans < {"SUPERGRAPH_FILE": ["query", ...]} -> {"FILE": ["plan", ...]}
//
// Never used at runtime. NODE_PATH must point at .cache/npm/node_modules.
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const require = createRequire(path.join(path.resolve(process.env.NODE_PATH || "."), "noop.js"));
const { parse } = require("graphql");
const { composeServices } = require("@apollo/composition");
const internals = require("@apollo/federation-internals");
const { QueryPlanner, prettyFormatQueryPlan } = require("@apollo/query-planner");

const input = fs.readFileSync(0, "utf8");
const [mode, file, opName] = process.argv.slice(2);

if (mode === "compose") {
  const subs = JSON.parse(input).map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) }));
  const result = composeServices(subs);
  if (result.errors) {
    process.stderr.write(result.errors.map((e) => e.message).join("\n") + "\n");
    process.exit(1);
  }
  process.stdout.write(result.supergraphSdl);
} else if (mode === "plans") {
  const out = {};
  for (const [supergraphFile, queries] of Object.entries(JSON.parse(input))) {
    const supergraph = internals.Supergraph.build(fs.readFileSync(supergraphFile, "utf8"), {
      supportedFeatures: internals.ROUTER_SUPPORTED_SUPERGRAPH_FEATURES,
    });
    const planner = new QueryPlanner(supergraph);
    const api = supergraph.schema.toAPISchema();
    out[supergraphFile] = queries.map((query) => {
      try {
        const operation = internals.operationFromDocument(api, parse(query));
        return prettyFormatQueryPlan(planner.buildQueryPlan(operation));
      } catch (e) {
        return `ERROR ${e.message}`;
      }
    });
  }
  process.stdout.write(JSON.stringify(out));
} else {
  const supergraph = internals.Supergraph.build(fs.readFileSync(file, "utf8"), {
    supportedFeatures: internals.ROUTER_SUPPORTED_SUPERGRAPH_FEATURES,
  });
  const planner = new QueryPlanner(supergraph);
  const op = internals.operationFromDocument(supergraph.schema.toAPISchema(), parse(input), {
    operationName: opName,
  });
  const plan = planner.buildQueryPlan(op);
  process.stdout.write(prettyFormatQueryPlan(plan) + "\n");
  if (process.env.PLAN_JSON) process.stdout.write(JSON.stringify(plan, null, 1) + "\n");
}

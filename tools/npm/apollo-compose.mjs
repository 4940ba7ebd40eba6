// Dev-only second reference: composes with @apollo/composition (the dependency @apollo/gateway
// brings), for what @theguild/federation-composition does not read: a federation `@link` renamed
// with `as:` (`@fed__key`). Same input and output as compose.mjs ({"sets": ...} batches).
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.resolve(process.env.NODE_PATH || process.cwd(), "noop.js"));
const { parse } = require("graphql");
const { composeServices } = require("@apollo/composition");
const { printSchema } = require("@apollo/federation-internals");

let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;

function composeSet(subgraphs) {
  try {
    const services = subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) }));
    const result = composeServices(services);
    if (result.errors) {
      return {
        ok: false,
        errors: result.errors.map((e) => ({ message: e.message, code: e.extensions?.code ?? null })),
      };
    }
    return { ok: true, supergraphSdl: result.supergraphSdl, publicSdl: printSchema(result.schema.toAPISchema()) };
  } catch (e) {
    return { ok: false, errors: [{ message: String((e && e.stack) || e), code: "EXCEPTION" }] };
  }
}

const parsed = JSON.parse(input);
const out = {};
for (const [name, subgraphs] of Object.entries(parsed.sets)) out[name] = composeSet(subgraphs);
process.stdout.write(JSON.stringify(out));

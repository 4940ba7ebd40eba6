// Dev-only check that @apollo/gateway accepts a supergraph: reads the SDL on stdin, loads it
// (no subgraph is contacted), and writes {"ok": true} or {"ok": false, "error": "..."}.
// Batch: a JSON body {"supergraphs": {"<name>": "<sdl>", ...}} -> {"<name>": <result>, ...}.
//
// NODE_PATH must point at the installed dev tools (.cache/npm/node_modules).
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.resolve(process.env.NODE_PATH || process.cwd(), "noop.js"));
const { ApolloGateway } = require("@apollo/gateway");

let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;

async function load(supergraphSdl) {
  const warnings = [];
  const logger = {
    debug() {},
    info() {},
    warn(message) { warnings.push(String(message)); },
    error(message) { warnings.push(String(message)); },
  };
  try {
    const gateway = new ApolloGateway({ supergraphSdl, logger });
    const { schema } = await gateway.load();
    const queryFields = Object.keys(schema.getQueryType()?.getFields() ?? {});
    await gateway.stop();
    return { ok: warnings.length === 0, warnings, queryFields };
  } catch (e) {
    return { ok: false, error: String((e && e.stack) || e), warnings };
  }
}

let out;
if (input.trimStart().startsWith("{") && JSON.parse(input).supergraphs) {
  out = {};
  for (const [name, sdl] of Object.entries(JSON.parse(input).supergraphs)) out[name] = await load(sdl);
} else {
  out = await load(input);
}
process.stdout.write(JSON.stringify(out));

// Dev-only reference composition: reads a JSON list of subgraphs on stdin, writes a JSON result.
//
// Input:  [{"name": "...", "url": "...", "sdl": "..."}, ...]
// Output: {"ok": true, "supergraphSdl": "...", "publicSdl": "..."}
//      or {"ok": false, "errors": [{"message": "...", "code": "..."}]}
// Batch:  {"sets": {"<set>": [subgraphs...], ...}} -> {"<set>": <output>, ...}
//
// The tests run it beside our Python composer to compare the two results; nothing at runtime
// uses it. NODE_PATH must point at the installed dev tools (.cache/npm/node_modules).
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.resolve(process.env.NODE_PATH || process.cwd(), "noop.js"));
const { parse } = require("graphql");
const { composeServices, compositionHasErrors } = require("@theguild/federation-composition");

let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;

function composeSet(subgraphs) {
  let services;
  try {
    services = subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) }));
  } catch (e) {
    return { ok: false, errors: [{ message: String(e.message || e), code: "INVALID_GRAPHQL" }] };
  }
  try {
    const result = composeServices(services);
    if (compositionHasErrors(result)) {
      return {
        ok: false,
        errors: result.errors.map((e) => ({ message: e.message, code: e.extensions?.code ?? null })),
      };
    }
    return { ok: true, supergraphSdl: result.supergraphSdl, publicSdl: result.publicSdl };
  } catch (e) {
    return { ok: false, errors: [{ message: String((e && e.stack) || e), code: "EXCEPTION" }] };
  }
}

const request = JSON.parse(input);
let out;
if (Array.isArray(request)) {
  out = composeSet(request);
} else {
  out = {};
  for (const [name, subgraphs] of Object.entries(request.sets)) out[name] = composeSet(subgraphs);
}
process.stdout.write(JSON.stringify(out));

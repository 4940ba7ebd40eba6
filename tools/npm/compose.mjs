// Dev-only reference composition: reads a JSON list of subgraphs on stdin, writes a JSON result.
//
// Input:  [{"name": "...", "url": "...", "sdl": "..."}, ...]
// Output: {"ok": true, "supergraphSdl": "...", "publicSdl": "..."}
//      or {"ok": false, "errors": [{"message": "...", "code": "..."}]}
//
// The tests run it beside our Python composer to compare the two results; nothing at runtime
// uses it. NODE_PATH must point at the installed dev tools (.cache/npm/node_modules).
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.env.NODE_PATH || process.cwd(), "noop.js"));
const { parse } = require("graphql");
const { composeServices, compositionHasErrors } = require("@theguild/federation-composition");

let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;

const services = JSON.parse(input).map((s) => ({
  name: s.name,
  url: s.url,
  typeDefs: parse(s.sdl),
}));

let out;
try {
  const result = composeServices(services);
  if (compositionHasErrors(result)) {
    out = {
      ok: false,
      errors: result.errors.map((e) => ({ message: e.message, code: e.extensions?.code ?? null })),
    };
  } else {
    out = { ok: true, supergraphSdl: result.supergraphSdl, publicSdl: result.publicSdl };
  }
} catch (e) {
  out = { ok: false, errors: [{ message: String(e && e.stack || e), code: "EXCEPTION" }] };
}
process.stdout.write(JSON.stringify(out));

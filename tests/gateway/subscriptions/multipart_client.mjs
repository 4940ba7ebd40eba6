// Apollo's multipart HTTP subscriptions read by `meros` (the multipart reader Relay and urql
// use), printing JSON lines: {"event": "response", "status", "contentType"}, then
// {"event": "part", "json": true, "body": ...} per part, then {"event": "end", "closed": ...}
// once meros is done (`closed`: the bytes ended with the close delimiter `--graphql--`).
// argv: url, token ("" for none), query. MEROS_MODULES: the node_modules holding `meros`.
import { createRequire } from "node:module";
import http from "node:http";

const require = createRequire(`${process.env.MEROS_MODULES}/`);
const { meros } = require("meros/node");

const [url, token, query] = process.argv.slice(2);
const print = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

const headers = {
  accept: 'multipart/mixed;subscriptionSpec="1.0", application/json',
  "content-type": "application/json",
};
if (token) headers.authorization = `Bearer ${token}`;

const request = http.request(url, { method: "POST", headers }, async (response) => {
  print({
    event: "response",
    status: response.statusCode,
    contentType: response.headers["content-type"],
  });
  let tail = "";
  async function* tapped() {
    for await (const chunk of response) {
      tail = (tail + chunk.toString("latin1")).slice(-64);
      yield chunk;
    }
  }
  // meros reads only `headers` and the chunks: the tap keeps the last bytes it was given.
  const parts = await meros(Object.assign(tapped(), { headers: response.headers }));
  for await (const part of parts) {
    print({ event: "part", json: part.json, body: part.json ? part.body : String(part.body) });
  }
  print({ event: "end", closed: tail.endsWith("\r\n--graphql--\r\n") });
});
request.on("error", (error) => print({ event: "failed", error: error.message }));
request.end(JSON.stringify({ query }));

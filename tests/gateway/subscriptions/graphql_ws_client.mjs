// The `graphql-ws` library's own client, subscribing once and printing what it hears as JSON
// lines: {"event": "connected"}, {"event": "next", "payload": ...}, {"event": "error", ...},
// {"event": "complete"}, {"event": "closed", "code": ..., "reason": ...}.
// argv: url, token ("" for none), query. GRAPHQL_WS_MODULES: the node_modules holding it and `ws`.
import { createRequire } from "node:module";

const require = createRequire(`${process.env.GRAPHQL_WS_MODULES}/`);
const { createClient } = require("graphql-ws");
const WebSocket = require("ws");

const [url, token, query] = process.argv.slice(2);
const print = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: token ? { Authorization: `Bearer ${token}` } : {},
  retryAttempts: 0,
  lazy: true,
  on: {
    connected: () => print({ event: "connected" }),
    closed: (event) => {
      print({ event: "closed", code: event.code, reason: event.reason });
      // The sink hears `complete` a few ticks after the socket's close event: let it print.
      setTimeout(() => process.exit(0), 200);
    },
  },
});

client.subscribe(
  { query },
  {
    next: (payload) => print({ event: "next", payload }),
    error: (error) =>
      print({ event: "error", error: error instanceof Error ? error.message : error }),
    complete: () => {
      print({ event: "complete" });
      client.dispose();
    },
  },
);

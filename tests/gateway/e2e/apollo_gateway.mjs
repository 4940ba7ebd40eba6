// Dev-only reference: Apollo Gateway serving a supergraph, so e2e tests can compare answers.
// Usage: node apollo_gateway.mjs SUPERGRAPH_FILE PORT (NODE_PATH = .cache/npm/node_modules).
// Prints READY once it listens on 127.0.0.1:PORT.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.env.NODE_PATH || process.cwd(), "noop.js"));
const { ApolloGateway } = require("@apollo/gateway");
const { ApolloServer } = require("@apollo/server");
const { startStandaloneServer } = require("@apollo/server/standalone");

const [supergraphFile, port] = process.argv.slice(2);
const gateway = new ApolloGateway({ supergraphSdl: readFileSync(supergraphFile, "utf8") });
const server = new ApolloServer({ gateway, csrfPrevention: false, includeStacktraceInErrorResponses: false });
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: Number(port) },
});
console.log(`READY ${url}`);
process.on("SIGTERM", async () => {
  await server.stop();
  process.exit(0);
});

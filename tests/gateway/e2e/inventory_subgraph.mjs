// A dev-only subgraph on graphql-yoga with @apollo/subgraph, to show the gateway is not tied to
// Strawberry. Usage: node inventory_subgraph.mjs PORT (NODE_PATH = .cache/npm/node_modules).
// It extends Product with @requires and counts its GraphQL requests at GET /count.
import { createServer } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.env.NODE_PATH || process.cwd(), "noop.js"));
const { parse } = require("graphql");
const { buildSubgraphSchema } = require("@apollo/subgraph");
const { createYoga } = require("graphql-yoga");

const typeDefs = parse(`
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.3",
          import: ["@key", "@external", "@requires", "@shareable"])

  type Product @key(fields: "upc") {
    upc: String!
    weight: Int! @external
    price: Int! @external
    inStock: Boolean!
    shippingEstimate: Int @requires(fields: "price weight")
  }
`);

const STOCK = { p1: true, p2: false, p3: true };

const resolvers = {
  Product: {
    __resolveReference(reference) {
      return { ...reference, inStock: STOCK[reference.upc] ?? false };
    },
    shippingEstimate(product) {
      if (product.price == null || product.weight == null) {
        throw new Error("shippingEstimate needs price and weight");
      }
      return product.price > 1000 ? 0 : Math.round(product.weight * 0.5);
    },
  },
};

const yoga = createYoga({
  schema: buildSubgraphSchema([{ typeDefs, resolvers }]),
  graphqlEndpoint: "/graphql",
  logging: false,
  maskedErrors: false,
});

let count = 0;
const server = createServer((req, res) => {
  if (req.url === "/count") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ count }));
    return;
  }
  if (req.url === "/health") {
    res.writeHead(200);
    res.end("ok");
    return;
  }
  if (req.url.startsWith("/graphql") && req.method === "POST") count += 1;
  yoga(req, res);
});

server.listen(Number(process.argv[2]), "127.0.0.1");
process.on("SIGTERM", () => server.close(() => process.exit(0)));

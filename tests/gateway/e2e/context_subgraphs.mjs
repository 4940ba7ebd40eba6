// Dev-only subgraphs for the @context/@fromContext end-to-end test (@apollo/subgraph on
// graphql-yoga). Usage: node context_subgraphs.mjs PORT; subgraph S answers POST /S/graphql.
// GET /sdl returns {"S": sdl}; GET /requests returns, per subgraph, the variables of every
// request it received (so the test can see one request per distinct context value).
import { createServer } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.env.NODE_PATH || process.cwd(), "noop.js"));
const { parse } = require("graphql");
const { buildSubgraphSchema } = require("@apollo/subgraph");
const { createYoga } = require("graphql-yoga");

const LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.8",
  import: ["@key", "@context", "@fromContext", "@external"])`;

const USERS = { u1: { id: "u1", name: "ada" }, u2: { id: "u2", name: "grace" } };
const FOLDERS = { f1: { id: "f1", name: "docs" } };

const SUBGRAPHS = {
  accounts: {
    sdl: `${LINK}
      type Query { user: User folder: Folder everyone: [User!]! }
      type User @key(fields: "id") { id: ID! name: String }
      type Folder @key(fields: "id") { id: ID! name: String }`,
    resolvers: {
      Query: {
        user: () => USERS.u1,
        folder: () => FOLDERS.f1,
        everyone: () => Object.values(USERS),
      },
      User: { __resolveReference: (r) => USERS[r.id] ?? null },
      Folder: { __resolveReference: (r) => FOLDERS[r.id] ?? null },
    },
  },
  posts: {
    // Every owner shares post p1 and its comments: only the context tells them apart.
    sdl: `${LINK}
      type Query { me: User }
      type User @key(fields: "id") @context(name: "owner") {
        id: ID! name: String @external post: Post
      }
      type Folder @key(fields: "id") @context(name: "owner") {
        id: ID! name: String @external post: Post
      }
      type Post @key(fields: "id") { id: ID! comments: [Comment!]! }
      type Comment @key(fields: "id") {
        id: ID!
        text(
          author: String @fromContext(field: "$owner ... on User { name } ... on Folder { name }")
          loud: Boolean
        ): String!
      }`,
    resolvers: {
      Query: { me: () => ({ id: "u1" }) },
      User: { __resolveReference: (r) => r, post: () => ({ id: "p1" }) },
      Folder: { __resolveReference: (r) => r, post: () => ({ id: "p1" }) },
      Post: {
        __resolveReference: (r) => r,
        comments: () => [{ id: "c1" }, { id: "c2" }],
      },
      Comment: {
        __resolveReference: (r) => r,
        text: (c, { author, loud }) => {
          const text = `${author ?? "nobody"} wrote ${c.id}`;
          return loud ? text.toUpperCase() : text;
        },
      },
    },
  },
};

const handlers = {};
const sdls = {};
const requests = {};
for (const [name, { sdl, resolvers }] of Object.entries(SUBGRAPHS)) {
  const endpoint = `/${name}/graphql`;
  const schema = buildSubgraphSchema([{ typeDefs: parse(sdl), resolvers }]);
  handlers[endpoint] = createYoga({ schema, graphqlEndpoint: endpoint, logging: false, maskedErrors: false });
  sdls[name] = sdl;
  requests[name] = [];
}

function json(res, value) {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}

const server = createServer((req, res) => {
  if (req.url === "/requests") return json(res, requests);
  if (req.url === "/sdl") return json(res, sdls);
  if (req.url === "/health") return json(res, { ok: true });
  const handler = handlers[req.url];
  if (!handler || req.method !== "POST") {
    res.writeHead(404);
    res.end();
    return;
  }
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    const { variables = {} } = JSON.parse(body.toString("utf8"));
    const { representations, ...rest } = variables;
    requests[req.url.split("/")[1]].push(rest);
    handler(new Request(`http://127.0.0.1${req.url}`, { method: "POST", headers: { "content-type": "application/json" }, body }), {})
      .then(async (response) => {
        res.writeHead(response.status, { "content-type": "application/json" });
        res.end(Buffer.from(await response.arrayBuffer()));
      });
  });
});
server.listen(Number(process.argv[2]), "127.0.0.1");
process.on("SIGTERM", () => server.close(() => process.exit(0)));

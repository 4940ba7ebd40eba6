// Dev-only feature subgraphs (@apollo/subgraph on graphql-yoga), one node process for all.
// Usage: node feature_subgraphs.mjs PORT; subgraph S of feature F answers POST /F/S/graphql.
// GET /counts returns {"F/S": requests}. GET /sdl returns {"F": {"S": sdl}} for composition.
// Each feature is a few subgraphs exercising one federation feature; data is static. The
// planner's conformance cases (conformance_features.mjs) are served the same way.
import { createServer } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { CONFORMANCE } from "./conformance_features.mjs";

const require = createRequire(path.join(process.env.NODE_PATH || process.cwd(), "noop.js"));
const { parse } = require("graphql");
const { buildSubgraphSchema } = require("@apollo/subgraph");
const { createYoga } = require("graphql-yoga");

const LINK = (imports) =>
  `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ${JSON.stringify(imports)})`;

const LINK27 = (imports) =>
  `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ${JSON.stringify(imports)})`;

const progressive = (label) => ({
  old: {
    sdl: `${LINK27(["@key"])}
      type Product @key(fields: "id") { id: ID! price: Int! }
      type Query { products: [Product!]! }`,
    resolvers: {
      Query: { products: () => [{ id: "p1", price: 1 }, { id: "p2", price: 2 }] },
      Product: { __resolveReference: (r) => ({ ...r, price: r.id === "p1" ? 1 : 2 }) },
    },
  },
  new: {
    sdl: `${LINK27(["@key", "@override"])}
      type Product @key(fields: "id") { id: ID! price: Int! @override(from: "old", label: "${label}") }`,
    resolvers: {
      Product: { __resolveReference: (r) => ({ ...r, price: r.id === "p1" ? 100 : 200 }) },
    },
  },
});

const byId = (rows) => Object.fromEntries(rows.map((row) => [row.id, row]));
const lookup = (table) => (ref) => (table[ref.id] ? { ...ref, ...table[ref.id] } : null);

const BOOKS = byId([
  { id: "b1", title: "Dune", author: "Herbert" },
  { id: "b2", title: "Emma", author: "Austen" },
]);
const MOVIES = byId([
  { id: "m1", title: "Alien", director: "Scott" },
  { id: "m2", title: "Heat", director: "Mann" },
]);
const ref = (typename, id) => ({ __typename: typename, id });

const FEATURES = {
  abstract: {
    catalog: {
      sdl: `${LINK(["@key"])}
        interface Node { id: ID! }
        type Book implements Node @key(fields: "id") { id: ID! title: String! }
        type Movie implements Node @key(fields: "id") { id: ID! title: String! director: String }
        union SearchResult = Book | Movie
        type Query { node(id: ID!): Node, search: [SearchResult!]!, nodes: [Node!]! }`,
      resolvers: {
        Query: {
          node: (_, { id }) => (BOOKS[id] ? ref("Book", id) : MOVIES[id] ? ref("Movie", id) : null),
          search: () => [ref("Book", "b1"), ref("Movie", "m1"), ref("Book", "b2"), ref("Movie", "m2")],
          nodes: () => [ref("Movie", "m2"), ref("Book", "b1")],
        },
        Book: { __resolveReference: lookup(BOOKS), title: (b) => BOOKS[b.id].title },
        Movie: {
          __resolveReference: lookup(MOVIES),
          title: (m) => MOVIES[m.id].title,
          director: (m) => MOVIES[m.id].director,
        },
      },
    },
    reviews: {
      sdl: `${LINK(["@key"])}
        type Book @key(fields: "id") { id: ID! reviews: [String!]! }
        type Movie @key(fields: "id") { id: ID! rating: Int }`,
      resolvers: {
        Book: { __resolveReference: (r) => ({ ...r, reviews: [`${r.id} is good`] }) },
        // m2 is unknown here: its entity is null, so `rating` is null.
        Movie: { __resolveReference: (r) => (r.id === "m2" ? null : { ...r, rating: 4 }) },
      },
    },
  },
  provides: {
    accounts: {
      sdl: `${LINK(["@key", "@shareable"])}
        type User @key(fields: "id") { id: ID! name: String! @shareable, email: String! }`,
      resolvers: {
        User: {
          __resolveReference: (r) => ({ ...r, name: `account ${r.id}`, email: `${r.id}@example.com` }),
        },
      },
    },
    reviews: {
      sdl: `${LINK(["@key", "@external", "@provides"])}
        type User @key(fields: "id") { id: ID! name: String! @external }
        type Review { body: String!, author: User! @provides(fields: "name") }
        type Query { reviews: [Review!]! }`,
      resolvers: {
        Query: {
          reviews: () => [
            { body: "first", author: { id: "u1", name: "provided u1" } },
            { body: "second", author: { id: "u2", name: "provided u2" } },
          ],
        },
      },
    },
  },
  interfaceObject: {
    media: {
      sdl: `${LINK(["@key"])}
        interface Media @key(fields: "id") { id: ID! title: String! }
        type Book implements Media @key(fields: "id") { id: ID! title: String! author: String! }
        type Movie implements Media @key(fields: "id") { id: ID! title: String! }
        type Query { media: [Media!]! }`,
      resolvers: {
        Query: { media: () => [{ __typename: "Book", ...BOOKS.b1 }, { __typename: "Movie", ...MOVIES.m1 }] },
        Media: {
          __resolveReference: (r) =>
            BOOKS[r.id] ? { __typename: "Book", ...BOOKS[r.id] } : { __typename: "Movie", ...MOVIES[r.id] },
        },
        Book: { __resolveReference: lookup(BOOKS) },
        Movie: { __resolveReference: lookup(MOVIES) },
      },
    },
    likes: {
      sdl: `${LINK(["@key", "@interfaceObject"])}
        type Media @key(fields: "id") @interfaceObject { id: ID! likes: Int! }
        type Query { topMedia: [Media!]! }`,
      resolvers: {
        Query: { topMedia: () => [{ id: "m2", likes: 7 }, { id: "b2", likes: 3 }] },
        Media: { __resolveReference: (r) => ({ ...r, likes: r.id.length * 10 }) },
      },
    },
  },
  override: {
    old: {
      sdl: `${LINK(["@key"])}
        type Product @key(fields: "id") { id: ID! price: Int! }
        type Query { products: [Product!]! }`,
      resolvers: {
        Query: { products: () => [{ id: "p1", price: 1 }, { id: "p2", price: 2 }] },
        Product: { __resolveReference: (r) => ({ ...r, price: -1 }) },
      },
    },
    new: {
      sdl: `${LINK(["@key", "@override"])}
        type Product @key(fields: "id") { id: ID! price: Int! @override(from: "old"), stock: Int! }`,
      resolvers: {
        Product: { __resolveReference: (r) => ({ ...r, price: r.id === "p1" ? 100 : 200, stock: 5 }) },
      },
    },
  },
  // Progressive override (Federation 2.7): `price` moves from `old` to `new` for the requests
  // the gateway puts under the label; the two subgraphs answer different prices.
  overrideProgressive: progressive("percent(50)"),
  overrideLabel: progressive("beta"),
  requires: {
    products: {
      sdl: `${LINK(["@key", "@shareable"])}
        type Dimensions @shareable { weight: Int!, size: Int! }
        type Product @key(fields: "id") { id: ID!, name: String!, dimensions: Dimensions! }
        type Query { products: [Product!]! }`,
      resolvers: {
        Query: {
          products: () => [
            { id: "p1", name: "Box", dimensions: { weight: 2, size: 3 } },
            { id: "p2", name: "Crate", dimensions: { weight: 10, size: 1 } },
            { id: "p3", name: "Box", dimensions: { weight: 2, size: 3 } },
          ],
        },
      },
    },
    shipping: {
      sdl: `${LINK(["@key", "@external", "@requires", "@shareable"])}
        type Dimensions @shareable { weight: Int!, size: Int! }
        type Product @key(fields: "id") {
          id: ID!
          name: String! @external
          dimensions: Dimensions! @external
          cost(express: Boolean = false): Int! @requires(fields: "dimensions { weight size }")
          label: String! @requires(fields: "name")
        }`,
      resolvers: {
        Product: {
          cost: (p, { express }) => p.dimensions.weight * p.dimensions.size * (express ? 2 : 1),
          label: (p) => `ship ${p.name}`,
        },
      },
    },
  },
  compoundKeys: {
    users: {
      sdl: `${LINK(["@key"])}
        type Org { id: ID! }
        type User @key(fields: "id org { id }") { id: ID!, org: Org!, name: String! }
        type Query { users: [User!]! }`,
      resolvers: {
        Query: {
          users: () => [
            { id: "1", org: { id: "a" }, name: "one-a" },
            { id: "1", org: { id: "b" }, name: "one-b" },
            { id: "2", org: { id: "a" }, name: "two-a" },
          ],
        },
      },
    },
    profiles: {
      sdl: `${LINK(["@key"])}
        type Org { id: ID! }
        type User @key(fields: "id org { id }") { id: ID!, org: Org!, bio: String }`,
      resolvers: {
        User: {
          __resolveReference: (r) => ({ ...r, bio: r.org.id === "b" ? null : `bio ${r.id}${r.org.id}` }),
        },
      },
    },
  },
  shareableRoot: {
    left: {
      sdl: `${LINK(["@key", "@shareable"])}
        type Config @shareable { version: String!, region: String! }
        type Query { config: Config! @shareable, leftOnly: Int! }`,
      resolvers: { Query: { config: () => ({ version: "1", region: "eu" }), leftOnly: () => 1 } },
    },
    right: {
      sdl: `${LINK(["@key", "@shareable"])}
        type Config @shareable { version: String!, region: String! }
        type Query { config: Config! @shareable, rightOnly: Int! }`,
      resolvers: { Query: { config: () => ({ version: "1", region: "eu" }), rightOnly: () => 2 } },
    },
  },
};

Object.assign(FEATURES, CONFORMANCE);

const handlers = {};
const sdls = {};
const counts = {};
for (const [feature, subgraphs] of Object.entries(FEATURES)) {
  sdls[feature] = {};
  for (const [name, { sdl, resolvers }] of Object.entries(subgraphs)) {
    const endpoint = `/${feature}/${name}/graphql`;
    const schema = buildSubgraphSchema([{ typeDefs: parse(sdl), resolvers }]);
    handlers[endpoint] = createYoga({ schema, graphqlEndpoint: endpoint, logging: false, maskedErrors: false });
    sdls[feature][name] = sdl;
    counts[`${feature}/${name}`] = 0;
  }
}

function json(res, value) {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}

const server = createServer((req, res) => {
  if (req.url === "/counts") return json(res, counts);
  if (req.url === "/sdl") return json(res, sdls);
  if (req.url === "/health") return json(res, { ok: true });
  const handler = handlers[req.url];
  if (!handler) {
    res.writeHead(404);
    res.end();
    return;
  }
  if (req.method === "POST") counts[req.url.split("/").slice(1, 3).join("/")] += 1;
  handler(req, res);
});
server.listen(Number(process.argv[2]), "127.0.0.1");
process.on("SIGTERM", () => server.close(() => process.exit(0)));

// Dev-only subgraphs for the planner's conformance cases, served by feature_subgraphs.mjs.
// Each feature is a federation shape a gateway must plan right (see test_conformance.py): a
// value type reached through its parent entity, shared root fields, partial unions, fields a
// subgraph types differently, `@override` through an interface, `@provides` on a union member,
// and supergraphs whose metadata leaves a field unreachable. Data is static.

const LINK = (imports) =>
  `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ${JSON.stringify(imports)})`;

const PRODUCTS = {
  p1: { id: "p1", sku: "s1", category: { id: "c1", title: "Tools" }, label: "Hammer" },
  p2: { id: "p2", sku: "s2", category: { id: "c2", title: "Toys" }, label: "Kite" },
};
const COUNTS = { c1: 3, c2: 1 };
const SECTIONS = { p1: "x1", p2: "x2" };
const product = (r) => (PRODUCTS[r.id] ? { ...r, ...PRODUCTS[r.id] } : null);

export const CONFORMANCE = {
  climbParent: {
    catalog: {
      sdl: `${LINK(["@key", "@shareable"])}
        type Query { products: [Product!]!, featured(id: ID!): Product }
        type Product @key(fields: "id") @key(fields: "id sku") {
          id: ID! sku: ID! category: Category @shareable label: String
        }
        type Category @key(fields: "id") { id: ID! title: String! @shareable }`,
      resolvers: {
        Query: { products: () => Object.values(PRODUCTS), featured: (_, { id }) => PRODUCTS[id] ?? null },
        Product: { __resolveReference: product },
        Category: { __resolveReference: (r) => ({ ...r, title: r.id === "c1" ? "Tools" : "Toys" }) },
      },
    },
    stats: {
      sdl: `${LINK(["@key", "@shareable"])}
        type Product @key(fields: "id sku") { id: ID! sku: ID! category: Category @shareable }
        type Category @shareable { stats: CategoryStats }
        type CategoryStats { productCount: Int }`,
      resolvers: {
        Product: {
          __resolveReference: (r) => {
            const found = product(r);
            return found && { ...found, category: { stats: { productCount: COUNTS[found.category.id] } } };
          },
        },
      },
    },
    listing: {
      sdl: `${LINK(["@key", "@shareable", "@external"])}
        type Product @key(fields: "id") { id: ID! @external section: Section @shareable }
        type Section @shareable { blurb: String }`,
      resolvers: {
        Product: { __resolveReference: (r) => ({ ...r, section: { blurb: `about ${r.id}` } }) },
      },
    },
    taxonomy: {
      sdl: `${LINK(["@key", "@shareable", "@external"])}
        type Product @key(fields: "id") { id: ID! @external section: Section @shareable }
        type Section @shareable { id: ID }`,
      resolvers: {
        Product: { __resolveReference: (r) => ({ ...r, section: { id: SECTIONS[r.id] } }) },
      },
    },
    sections: {
      sdl: `${LINK(["@key"])}
        type Section @key(fields: "id") { id: ID heading: String }`,
      resolvers: { Section: { __resolveReference: (r) => ({ ...r, heading: `heading ${r.id}` }) } },
    },
  },
  sharedRoot: {
    names: {
      sdl: `${LINK(["@shareable"])}
        type Query { gadgets: [Gadget!]! @shareable, viewer: Viewer @shareable }
        type Gadget @shareable { id: ID! naming: Naming! }
        type Naming { brand: String! model: String! }
        type Viewer @shareable { onlyNames: Medium }
        union Medium = Tape | Disc
        type Tape { id: ID! length: Int }
        type Disc @shareable { id: ID! }`,
      resolvers: {
        Query: {
          gadgets: () => [
            { id: "g1", naming: { brand: "Acme", model: "One" } },
            { id: "g2", naming: { brand: "Acme", model: "Two" } },
          ],
          viewer: () => ({ onlyNames: { __typename: "Tape", id: "t1", length: 90 } }),
        },
      },
    },
    prices: {
      sdl: `${LINK(["@shareable"])}
        type Query { gadgets: [Gadget!]! @shareable, viewer: Viewer @shareable }
        type Gadget @shareable { id: ID! price: Money! }
        type Money { amount: Int! currency: String! }
        type Viewer @shareable { onlyPrices: Medium }
        union Medium = Disc | Record
        type Disc @shareable { id: ID! }
        type Record { id: ID! grooves: Int }`,
      resolvers: {
        Query: {
          gadgets: () => [
            { id: "g1", price: { amount: 10, currency: "EUR" } },
            { id: "g2", price: { amount: 20, currency: "EUR" } },
          ],
          viewer: () => ({ onlyPrices: { __typename: "Record", id: "r1", grooves: 33 } }),
        },
      },
    },
  },
  unionMembers: {
    left: {
      sdl: `${LINK(["@key", "@shareable"])}
        type Query { leftBox: Box }
        type Box @key(fields: "id") { id: ID! tray: Tray @shareable }
        type Tray @shareable { items: [Item!]! @shareable }
        union Item = Coin | Gem
        type Coin @shareable { value: Int }
        type Gem { carats: Int }`,
      resolvers: {
        Query: { leftBox: () => ({ id: "b1" }) },
        Box: { tray: () => ({ items: [{ __typename: "Coin", value: 1 }, { __typename: "Gem", carats: 7 }] }) },
      },
    },
    right: {
      sdl: `${LINK(["@key", "@shareable"])}
        type Box @key(fields: "id") { id: ID! tray: Tray @shareable rightTray: Tray }
        type Tray @shareable { items: [Item!]! @shareable }
        union Item = Coin | Pearl
        type Coin @shareable { value: Int }
        type Pearl { lustre: Int }`,
      resolvers: {
        Box: {
          tray: () => ({ items: [{ __typename: "Coin", value: 2 }, { __typename: "Pearl", lustre: 5 }] }),
          rightTray: () => ({ items: [{ __typename: "Coin", value: 3 }, { __typename: "Pearl", lustre: 6 }] }),
        },
      },
    },
  },
  shapeConflicts: {
    members: {
      sdl: `${LINK(["@shareable"])}
        type Query { members: [Member!]! }
        type Member { id: ID @shareable handle: String @shareable }`,
      resolvers: { Query: { members: () => [{ id: "m1", handle: "ada" }] } },
    },
    directory: {
      sdl: `${LINK(["@key", "@shareable"])}
        type Query { entries: [Entry!]! }
        union Entry = Member | Team
        type Member @key(fields: "id") { id: ID! handle: String @shareable peers: [Entry!]! }
        type Team { id: ID handle: String @shareable peers: [Entry!]! }`,
      resolvers: {
        Query: {
          entries: () => [
            { __typename: "Member", id: "m1", handle: "ada" },
            { __typename: "Team", id: "t1", handle: "core" },
          ],
        },
        Member: { peers: () => [{ __typename: "Team", id: "t1", handle: "core" }] },
        Team: { peers: () => [{ __typename: "Member", id: "m1", handle: "ada" }] },
        Entry: { __resolveType: (value) => value.__typename },
      },
    },
  },
  interfaceOverride: {
    posts: {
      sdl: `${LINK(["@key"])}
        type Query { feed: [Post] }
        interface Post { id: ID! publishedAt: String! }
        type PhotoPost implements Post @key(fields: "id") { id: ID! publishedAt: String! }`,
      resolvers: {
        Query: { feed: () => [{ __typename: "PhotoPost", id: "ph1", publishedAt: "stale" }] },
        PhotoPost: { publishedAt: () => "stale" },
      },
    },
    timeline: {
      sdl: `${LINK(["@key", "@override"])}
        type Query { timeline: [Post] }
        interface Post { id: ID! publishedAt: String! }
        type PhotoPost implements Post @key(fields: "id") { id: ID! publishedAt: String! @override(from: "posts") }
        type NotePost implements Post @key(fields: "id") { id: ID! publishedAt: String! text: String! }`,
      resolvers: {
        Query: { timeline: () => [{ __typename: "NotePost", id: "n1", publishedAt: "monday", text: "hi" }] },
        PhotoPost: { __resolveReference: (r) => ({ ...r, publishedAt: `fresh ${r.id}` }) },
      },
    },
  },
  providesUnion: {
    feed: {
      sdl: `${LINK(["@key", "@shareable"])}
        type Query { shelf: [Item] @shareable }
        union Item = Album | Film
        type Album @key(fields: "id") { id: ID! }
        type Film @key(fields: "id") { id: ID! }`,
      resolvers: {
        Query: { shelf: () => [{ __typename: "Album", id: "a1" }, { __typename: "Film", id: "f1" }] },
      },
    },
    curated: {
      sdl: `${LINK(["@key", "@shareable", "@provides", "@external"])}
        type Query { shelf: [Item] @shareable @provides(fields: "... on Album { name }") }
        union Item = Album | Film
        type Album @key(fields: "id") { id: ID! name: String @external }
        type Film @key(fields: "id") { id: ID! }`,
      resolvers: {
        Query: {
          shelf: () => [{ __typename: "Album", id: "a1", name: "Blue" }, { __typename: "Film", id: "f1" }],
        },
      },
    },
    titles: {
      sdl: `${LINK(["@key", "@shareable"])}
        type Album @key(fields: "id") { id: ID! name: String @shareable }
        type Film @key(fields: "id") { id: ID! name: String }`,
      resolvers: {
        Album: { __resolveReference: (r) => ({ ...r, name: "Blue" }) },
        Film: { __resolveReference: (r) => ({ ...r, name: "Heat" }) },
      },
    },
  },
  unreachable: {
    people: {
      sdl: `${LINK(["@key", "@shareable", "@external"])}
        type Query { node(id: ID!): Node @shareable, asset: Asset }
        interface Node { id: ID! }
        type Person implements Node @key(fields: "id") { id: ID! nickname: String! }
        type Thread implements Node @key(fields: "id") { id: ID! @external starter: Person! }
        interface Asset @key(fields: "id") { id: ID! }`,
      resolvers: {
        Query: {
          node: (_, { id }) => ({ __typename: id.startsWith("p") ? "Person" : "Thread", id }),
          asset: () => ({ __typename: "Asset", id: "d1" }),
        },
        Person: { nickname: (p) => `nick ${p.id}` },
        Thread: { id: () => "never" },
      },
    },
    threads: {
      sdl: `${LINK(["@key", "@shareable", "@external", "@interfaceObject"])}
        type Query { node(id: ID!): Node @shareable }
        interface Node { id: ID! }
        type Person implements Node @key(fields: "id") { id: ID! @external }
        type Thread implements Node @key(fields: "id") { id: ID! subject: String! }
        type Asset @key(fields: "id", resolvable: false) @interfaceObject { id: ID! owner: String }`,
      resolvers: {
        Query: { node: (_, { id }) => ({ __typename: id.startsWith("p") ? "Person" : "Thread", id }) },
        Person: { id: () => "never" },
        Thread: { subject: (t) => `subject ${t.id}` },
      },
    },
  },
};

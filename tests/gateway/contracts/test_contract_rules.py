"""What a hidden element takes with it: interfaces, required arguments and input fields, enum
values, union members; and a contract that cannot be served stops the start."""

from __future__ import annotations

import pytest
from graphql import print_schema

from gateway.composition import CompositionFailure, SubgraphSource, compose
from gateway.config import ConfigError, load_config
from gateway.contracts import Contract, contract_supergraph
from gateway.server import create_app
from gateway.supergraph import Supergraph, load_supergraph

SUBGRAPH = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@tag"])
interface Node { id: ID! }
type User implements Node @key(fields: "id") {
  id: ID! @tag(name: "partner")
  secret: String @tag(name: "internal")
}
type Post implements Node { id: ID! @tag(name: "internal") title: String @tag(name: "partner") }
union Result = User | Post
enum Role { ADMIN @tag(name: "internal") USER }
input Filter {
  role: Role
  internalOnly: Boolean @tag(name: "internal")
  secretKey: String! @tag(name: "internal")
}
type Query {
  node(id: ID!): Node @tag(name: "partner")
  search(term: String!, debug: Boolean @tag(name: "internal")): [Result!]! @tag(name: "partner")
  users(filter: Filter): [User!]! @tag(name: "partner")
  rolesOf(id: ID!): [Role!]! @tag(name: "partner")
}
"""


def _supergraph(sdl: str = SUBGRAPH) -> Supergraph:
    source = SubgraphSource(name="a", routing_url="http://127.0.0.1:1/graphql", sdl=sdl)
    composed = compose([source])
    assert not isinstance(composed, CompositionFailure), str(composed)
    loaded = load_supergraph(composed.supergraph_sdl)
    assert isinstance(loaded, Supergraph), str(loaded)
    return loaded


def test_hidden_elements_take_what_cannot_stand_without_them() -> None:
    contract = contract_supergraph(_supergraph(), Contract(exclude=frozenset({"internal"})))
    assert isinstance(contract, Supergraph), str(contract)
    # Post.id hidden -> Node.id (an implementation lost it) -> Node (no field) -> Query.node;
    # Filter.secretKey is required -> Filter -> the optional users(filter:) argument.
    assert print_schema(contract.api_schema) == (
        "directive @defer(label: String, if: Boolean! = true) on FRAGMENT_SPREAD | "
        "INLINE_FRAGMENT\n\n"
        "type User {\n  id: ID!\n}\n\n"
        "type Post {\n  title: String\n}\n\n"
        "union Result = User | Post\n\n"
        "enum Role {\n  USER\n}\n\n"
        "type Query {\n"
        "  search(term: String!): [Result!]!\n"
        "  users: [User!]!\n"
        "  rolesOf(id: ID!): [Role!]!\n"
        "}"
    )


def test_a_contract_that_cannot_be_built_stops_the_start() -> None:
    config = load_config(
        environ={
            "GATEWAY_CONTRACT_INCLUDE_PUBLIC": "public",  # nothing is tagged public
            "GATEWAY_CONTRACT_PATH_PUBLIC": "/public/graphql",
        }
    )
    with pytest.raises(ConfigError, match="CONTRACT_EMPTY"):
        create_app(config, supergraph=_supergraph())
    clash = load_config(environ={"GATEWAY_CONTRACT_PATH_PUBLIC": "/graphql"})
    with pytest.raises(ConfigError, match="already serves"):
        create_app(clash, supergraph=_supergraph())


def test_a_served_contract_follows_each_new_supergraph() -> None:
    config = load_config(
        environ={
            "GATEWAY_CONTRACT_EXCLUDE_PARTNER": "internal",
            "GATEWAY_CONTRACT_PATH_PARTNER": "/partner/graphql",
        }
    )
    app = create_app(config, supergraph=_supergraph())
    (served,) = app.state.contracts
    assert served.path == "/partner/graphql"

    def contract_fields() -> set[str]:
        gateway = served.state.gateway
        assert gateway is not None
        query = gateway.supergraph.api_schema.query_type
        assert query is not None
        return set(query.fields)

    assert contract_fields() == {"search", "users", "rolesOf"}
    roles = '  rolesOf(id: ID!): [Role!]! @tag(name: "partner")'
    changed = SUBGRAPH.replace(roles, roles.replace('"partner"', '"internal"'))
    app.state.serving.install(_supergraph(changed))  # what a reload or recomposition does
    assert contract_fields() == {"search", "users"}

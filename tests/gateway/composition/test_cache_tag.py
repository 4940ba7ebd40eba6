"""`@cacheTag` (Federation 2.12) composes into `@join__directive`, as Apollo's composition
writes it, and the gateway reads it back."""

from __future__ import annotations

from gateway.composition import CompositionFailure, SubgraphSource, compose
from gateway.supergraph import JoinDirective, Supergraph, load_supergraph

LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.12",'
    ' import: ["@key", "@cacheTag"])\n'
)
ACCOUNTS = LINK + (
    'type Query { user(id: ID!): User @cacheTag(format: "user-{$args.id}") }\n'
    'type User @key(fields: "id") @cacheTag(format: "user-{$key.id}")'
    ' @cacheTag(format: "users") { id: ID! name: String }\n'
)
REVIEWS = LINK + (
    "type Query { top: [User] }\n"
    'type User @key(fields: "id") @cacheTag(format: "users") { id: ID! rating: Int }\n'
)


def composed() -> str:
    result = compose(
        [
            SubgraphSource(name="accounts", routing_url="http://127.0.0.1:1/", sdl=ACCOUNTS),
            SubgraphSource(name="reviews", routing_url="http://127.0.0.1:2/", sdl=REVIEWS),
        ]
    )
    assert not isinstance(result, CompositionFailure), str(result)
    return result.supergraph_sdl


def test_cache_tags_become_join_directives_per_graph() -> None:
    sdl = composed()
    assert (
        '@join__directive(graphs: [ACCOUNTS], name: "federation__cacheTag",'
        ' args: {format: "user-{$key.id}"})' in sdl
    )
    assert (
        '@join__directive(graphs: [ACCOUNTS, REVIEWS], name: "federation__cacheTag",'
        ' args: {format: "users"})' in sdl
    )
    assert "directive @join__directive(graphs: [join__Graph!]" in sdl
    assert "scalar join__DirectiveArguments" in sdl


def test_the_gateway_reads_them_back() -> None:
    supergraph = load_supergraph(composed())
    assert isinstance(supergraph, Supergraph), str(supergraph)
    assert supergraph.types["Query"].fields["user"].directives == (
        JoinDirective(
            name="federation__cacheTag", graphs=("accounts",), args={"format": "user-{$args.id}"}
        ),
    )
    formats = {d.args["format"]: d.graphs for d in supergraph.types["User"].directives}
    assert formats == {"user-{$key.id}": ("accounts",), "users": ("accounts", "reviews")}


def test_without_cache_tags_nothing_changes() -> None:
    plain = ACCOUNTS.replace('@cacheTag(format: "user-{$args.id}")', "")
    result = compose([SubgraphSource(name="a", routing_url="http://127.0.0.1:1/", sdl=plain)])
    assert not isinstance(result, CompositionFailure)
    assert "join__directive" in result.supergraph_sdl  # the type's tags remain
    untagged = plain.replace(' @cacheTag(format: "user-{$key.id}") @cacheTag(format: "users")', "")
    result = compose([SubgraphSource(name="a", routing_url="http://127.0.0.1:1/", sdl=untagged)])
    assert not isinstance(result, CompositionFailure)
    assert "join__directive" not in result.supergraph_sdl

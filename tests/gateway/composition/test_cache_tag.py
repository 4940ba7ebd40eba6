"""`@cacheTag` (Federation 2.12) composes into `@join__directive`, as Apollo's composition
writes it, and the gateway reads it back.

The Guild's composer does not know Federation 2.12, so the reference here is
@apollo/composition: the corpus composes the `cache-tag` set with it (the API schema and joins),
and the test below compares every `@join__directive` it writes with ours.
"""

from __future__ import annotations

from typing import Any

import pytest
from graphql import DocumentNode, parse, value_from_ast_untyped
from graphql.language import ObjectTypeDefinitionNode

from gateway.composition import CompositionFailure, CompositionSuccess, SubgraphSource, compose
from gateway.supergraph import JoinDirective, Supergraph, load_supergraph
from tests.gateway.composition.composition_support import load_set, run_reference

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


def join_directives(supergraph_sdl: str) -> set[tuple[str, str, tuple[str, ...], str]]:
    """Every `@join__directive` on a type or field: (coordinate, name, graphs, arguments)."""
    document: DocumentNode = parse(supergraph_sdl, no_location=True)
    found: set[tuple[str, str, tuple[str, ...], str]] = set()

    def read(coordinate: str, directives: Any) -> None:
        for directive in directives or ():
            if directive.name.value != "join__directive":
                continue
            args = {a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments}
            graphs = tuple(sorted(args["graphs"]))
            found.add((coordinate, args["name"], graphs, repr(sorted(args["args"].items()))))

    for definition in document.definitions:
        if isinstance(definition, ObjectTypeDefinitionNode):
            read(definition.name.value, definition.directives)
            for field in definition.fields or ():
                read(f"{definition.name.value}.{field.name.value}", field.directives)
    return found


@pytest.mark.node
def test_join_directives_match_apollo_composition() -> None:
    ours = compose(load_set("cache-tag"))
    assert isinstance(ours, CompositionSuccess), str(ours)
    theirs = run_reference({"cache-tag": load_set("cache-tag")})["cache-tag"]
    assert theirs["ok"], theirs["errors"]
    expected = join_directives(theirs["supergraphSdl"])
    assert len(expected) == 5  # every tag, the two "users" on User as one
    assert join_directives(ours.supergraph_sdl) == expected

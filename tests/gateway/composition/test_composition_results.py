"""Composition's contract: a result value, never an exception; every problem at once, located."""

from __future__ import annotations

import random

import pytest
from graphql import build_ast_schema, parse

from gateway.composition import (
    CompositionFailure,
    CompositionSuccess,
    SubgraphSource,
    compose,
)
from tests.gateway.composition.composition_support import expected_codes, fixture_sets, load_set

FED = '@link(url: "https://specs.apollo.dev/federation/v{version}", import: ["@key", "@tag"])'


def _source(name: str, sdl: str, version: str = "2.3") -> SubgraphSource:
    header = "extend schema " + FED.format(version=version) + "\n"
    return SubgraphSource(name=name, routing_url=f"http://127.0.0.1:4000/{name}", sdl=header + sdl)


@pytest.mark.parametrize("name", fixture_sets())
def test_mangled_inputs_give_a_result_not_an_exception(name: str) -> None:
    """Drop lines at random from every fixture: composition must still answer with a value."""
    rng = random.Random(name)
    for _ in range(5):
        sources = []
        for source in load_set(name):
            lines = source.sdl.splitlines()
            kept = [line for line in lines if rng.random() > 0.2]
            sources.append(
                SubgraphSource(
                    name=source.name, routing_url=source.routing_url, sdl="\n".join(kept)
                )
            )
        result = compose(sources)
        assert isinstance(result, CompositionSuccess | CompositionFailure)
        if isinstance(result, CompositionSuccess):
            build_ast_schema(parse(result.supergraph_sdl))


def test_every_problem_is_reported_at_once() -> None:
    result = compose(
        [
            _source("a", 'type Query { a: User }\ntype User @key(fields: "uuid") { id: ID! }'),
            _source("b", 'type User @key(fields: "tags") { id: ID! tags: Strin }'),
        ]
    )
    assert isinstance(result, CompositionFailure)
    found = sorted((e.code, e.locations[0].subgraph) for e in result.errors)
    assert found == [
        ("INVALID_GRAPHQL", "b"),
        ("KEY_INVALID_FIELDS", "a"),
    ]


@pytest.mark.parametrize("name", [s for s in fixture_sets() if expected_codes(s)])
def test_errors_name_the_subgraph_and_the_place(name: str) -> None:
    result = compose(load_set(name))
    assert isinstance(result, CompositionFailure)
    for error in result.errors:
        assert error.locations, error
        where = error.locations[0]
        assert where.subgraph in {s.name for s in load_set(name)}, error
        if error.code != "INVALID_GRAPHQL":
            assert where.coordinate, error
        if error.code != "NO_QUERIES":  # names a type that no subgraph has
            assert where.line is not None, error
        assert str(where) in str(error)


def test_satisfiability_error_shows_a_failing_query() -> None:
    result = compose(
        [
            _source("a", 'type Query { me: User }\ntype User @key(fields: "id") { id: ID! }'),
            _source(
                "b", 'type User @key(fields: "id", resolvable: false) { id: ID! name: String }'
            ),
        ]
    )
    assert isinstance(result, CompositionFailure)
    assert [e.code for e in result.errors] == ["SATISFIABILITY_ERROR"]
    message = result.errors[0].message
    assert "{\n  me {\n    name\n  }\n}" in message
    assert 'cannot move to subgraph "b"' in message


@pytest.mark.parametrize(
    ("version", "join"), [("2.0", "v0.3"), ("2.6", "v0.3"), ("2.7", "v0.4"), ("2.9", "v0.5")]
)
def test_join_version_follows_the_highest_federation_version(version: str, join: str) -> None:
    result = compose(
        [
            _source("a", "type Query { a: Int }"),
            _source("b", "type Query { b: Int }", version=version),
        ]
    )
    assert isinstance(result, CompositionSuccess), str(result)
    assert f'@link(url: "https://specs.apollo.dev/join/{join}", for: EXECUTION)' in (
        result.supergraph_sdl
    )
    assert ("overrideLabel: String" in result.supergraph_sdl) == (join != "v0.3")


def test_spec_links_appear_only_when_used() -> None:
    plain = compose([_source("a", "type Query { a: Int }")])
    tagged = compose([_source("a", 'type Query { a: Int @tag(name: "x") }')])
    assert isinstance(plain, CompositionSuccess)
    assert isinstance(tagged, CompositionSuccess)
    assert "specs.apollo.dev/tag" not in plain.supergraph_sdl
    assert '@link(url: "https://specs.apollo.dev/tag/v0.3")' in tagged.supergraph_sdl
    assert 'a: Int @tag(name: "x")' in tagged.supergraph_sdl


def test_no_subgraphs_is_a_failure() -> None:
    result = compose([])
    assert isinstance(result, CompositionFailure)
    assert result.errors[0].code == "NO_QUERIES"


def test_duplicate_subgraph_names_are_reported() -> None:
    result = compose([_source("a", "type Query { a: Int }"), _source("a", "type Query { b: Int }")])
    assert isinstance(result, CompositionFailure)
    assert "INVALID_SUBGRAPH_NAME" in {e.code for e in result.errors}


def test_context_is_encoded_as_apollo_writes_it() -> None:
    """@context on a type becomes `@context(name: "<subgraph>__<name>")`; the contextual
    argument leaves the API and is described by `@join__field(contextArguments:)`."""
    header = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.8", '
        'import: ["@key", "@context", "@fromContext"])\n'
    )
    sdl = (
        'type Query { u: User }\ntype User @key(fields: "id") @context(name: "userCtx") '
        "{ id: ID! name: String post: Post }\n"
        'type Post @key(fields: "id") { id: ID! '
        'text(author: String @fromContext(field: "$userCtx { name }"), loud: Boolean): String }'
    )
    source = SubgraphSource(name="a", routing_url="http://127.0.0.1:4000/a", sdl=header + sdl)
    result = compose([source])
    assert isinstance(result, CompositionSuccess), str(result)
    sdl_out = result.supergraph_sdl
    assert '@link(url: "https://specs.apollo.dev/context/v0.1", for: SECURITY)' in sdl_out
    assert '@join__type(graph: A, key: "id") @context(name: "a__userCtx")' in sdl_out
    assert (
        "text(loud: Boolean): String @join__field(graph: A, contextArguments: "
        '[{context: "a__userCtx", name: "author", type: "String", selection: " { name }"}])'
    ) in sdl_out


def test_satisfiability_example_of_a_mutation_starts_with_its_keyword() -> None:
    result = compose(load_set("error-satisfiability-mutation"))
    assert isinstance(result, CompositionFailure)
    assert result.errors[0].message.startswith(
        "The following supergraph API query:\nmutation {\n  make {\n    price\n  }\n}\n"
    )


def test_duplicate_definitions_in_one_subgraph_are_invalid_graphql() -> None:
    result = compose(
        [
            _source(
                "a",
                "type Query { a: Int a: String }\ntype T { x: Int }\ntype T { y: Int }\n"
                "extend type T { x: Int }",
            )
        ]
    )
    assert isinstance(result, CompositionFailure)
    assert sorted((e.code, e.message) for e in result.errors) == [
        ("INVALID_GRAPHQL", '[a] Field "Query.a" can only be defined once.'),
        ("INVALID_GRAPHQL", '[a] Field "T.x" can only be defined once.'),
        ("INVALID_GRAPHQL", '[a] There can be only one type named "T".'),
    ]

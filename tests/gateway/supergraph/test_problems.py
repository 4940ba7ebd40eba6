"""A bad supergraph reports every problem at once, as values."""

from __future__ import annotations

from pathlib import Path

from gateway.supergraph import SupergraphProblems, load_supergraph

LOADER = Path(__file__).resolve().parents[2] / "fixtures" / "supergraphs" / "loader"
HEADER = (LOADER / "header.graphql").read_text()
BROKEN = (LOADER / "broken.graphql").read_text()


def _problems(sdl: str) -> SupergraphProblems:
    loaded = load_supergraph(sdl)
    assert isinstance(loaded, SupergraphProblems)
    return loaded


def test_every_problem_is_reported_at_once() -> None:
    problems = _problems(BROKEN).problems
    messages = [str(p) for p in problems]
    codes = sorted(p.code for p in problems)
    assert codes == [
        "INVALID_FIELD_SET",
        "INVALID_FIELD_SET",
        "INVALID_FIELD_SET",
        "INVALID_GRAPH",
        "INVALID_GRAPH",
        "INVALID_GRAPHQL",
        "UNKNOWN_GRAPH",
    ], messages
    assert any("subgraph 'b' has no url" in m for m in messages)
    assert any("'Z' is not a join__Graph value" in m for m in messages)
    assert any("T has no field nope" in m for m in messages)
    assert any("does not parse" in m for m in messages)


def test_syntax_error_is_a_problem() -> None:
    problems = _problems("type Query {").problems
    assert [p.code for p in problems] == ["INVALID_GRAPHQL"]


def test_plain_schema_is_not_a_supergraph() -> None:
    problems = _problems("type Query { a: Int }").problems
    assert [p.code for p in problems] == ["NOT_A_SUPERGRAPH"]


def test_unknown_execution_feature_and_join_version() -> None:
    sdl = (
        HEADER.replace("join/v0.3", "join/v0.9").replace(
            "{ query: Query }",
            '@link(url: "https://example.dev/magic/v1.0", for: EXECUTION) { query: Query }',
        )
        + """
enum join__Graph { A @join__graph(name: "a", url: "http://a") }
type Query @join__type(graph: A) { a: Int }
"""
    )
    messages = [p.message for p in _problems(sdl).problems]
    assert any("join v0.9 is not supported" in m for m in messages)
    assert any("magic/v1.0 is linked for EXECUTION" in m for m in messages)


def test_invalid_sdl_reports_each_error() -> None:
    sdl = (
        HEADER
        + """
enum join__Graph { A @join__graph(name: "a", url: "http://a") }
type Query @join__type(graph: A) { a: Missing b: AlsoMissing }
"""
    )
    problems = _problems(sdl).problems
    assert [p.code for p in problems] == ["INVALID_GRAPHQL", "INVALID_GRAPHQL"]

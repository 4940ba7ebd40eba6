"""`@join__directive` (join v0.5): read into the model, kept out of the API schema."""

from __future__ import annotations

from pathlib import Path

from graphql import print_schema

from gateway.operation import PreparedOperation, prepare_operation
from gateway.planner import build_query_plan, print_plan
from gateway.supergraph import JoinDirective, Supergraph, load_supergraph

ROOT = Path(__file__).resolve().parents[3]
PLAIN = (ROOT / "schema" / "supergraph.graphql").read_text()
JOIN_LINK = '  @link(url: "https://specs.apollo.dev/join/v0.5", for: EXECUTION)\n'
CONNECT = "https://specs.apollo.dev/connect/v0.1"


def with_join_directives() -> str:
    """The checked-in supergraph as if accounts used Apollo Connectors' directives."""
    assert JOIN_LINK in PLAIN
    sdl = PLAIN.replace(
        JOIN_LINK,
        JOIN_LINK
        + f'  @join__directive(graphs: [ACCOUNTS], name: "link", args: {{url: "{CONNECT}",'
        ' import: ["@connect", "@source"]})\n',
    )
    sdl = sdl.replace(
        "type Query",
        'type Query @join__directive(graphs: [ACCOUNTS], name: "source",'
        ' args: {name: "v1", http: {baseURL: "http://127.0.0.1:1/v1"}})',
        1,
    )
    sdl = sdl.replace(
        "  me: Person",
        '  me: Person @join__directive(graphs: [ACCOUNTS], name: "connect",'
        ' args: {source: "v1", http: {GET: "/me"}, selection: "id"})',
        1,
    )
    return sdl + (
        "\ndirective @join__directive(graphs: [join__Graph!], name: String!,"
        " args: join__DirectiveArguments) repeatable on SCHEMA | OBJECT | INTERFACE"
        " | FIELD_DEFINITION\n\nscalar join__DirectiveArguments\n"
    )


def load(sdl: str) -> Supergraph:
    loaded = load_supergraph(sdl)
    assert isinstance(loaded, Supergraph), str(loaded)
    return loaded


def test_join_directives_are_in_the_model() -> None:
    graph = load(with_join_directives())
    assert graph.schema_directives == (
        JoinDirective(
            name="link",
            graphs=("accounts",),
            args={"url": CONNECT, "import": ["@connect", "@source"]},
        ),
    )
    (source,) = graph.types["Query"].directives
    assert source.name == "source"
    assert source.args["http"] == {"baseURL": "http://127.0.0.1:1/v1"}
    (connect,) = graph.types["Query"].fields["me"].directives
    assert connect.graphs == ("accounts",)
    assert connect.args["selection"] == "id"
    assert load(PLAIN).types["Query"].fields["me"].directives == ()


def test_join_directives_change_neither_the_api_schema_nor_plans() -> None:
    plain, extended = load(PLAIN), load(with_join_directives())
    assert print_schema(extended.api_schema) == print_schema(plain.api_schema)
    query = "{ me { id displayName whatsapp { id } } }"
    plans = []
    for graph in (plain, extended):
        prepared = prepare_operation(graph.api_schema, query, None)
        assert isinstance(prepared, PreparedOperation)
        plans.append(print_plan(build_query_plan(graph, prepared)))
    assert plans[0] == plans[1]


def test_an_unknown_graph_in_a_join_directive_is_a_problem() -> None:
    sdl = with_join_directives().replace(
        'graphs: [ACCOUNTS], name: "source"', 'graphs: [NOPE], name: "source"'
    )
    problems = load_supergraph(sdl)
    assert not isinstance(problems, Supergraph)
    assert any(p.code == "UNKNOWN_GRAPH" for p in problems.problems)

"""Apollo's merge rules, spelled out on small inputs (the corpus checks them against a peer)."""

from __future__ import annotations

from graphql import build_ast_schema, parse

from gateway.composition import CompositionSuccess, SubgraphSource, compose

HEADER = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", '
    'import: ["@key", "@shareable", "@override", "@external", "@requires"])\n'
)


def _compose(**sdls: str) -> str:
    sources = [
        SubgraphSource(name=name, routing_url=f"http://127.0.0.1:4000/{name}", sdl=HEADER + sdl)
        for name, sdl in sdls.items()
    ]
    result = compose(sources)
    assert isinstance(result, CompositionSuccess), str(result)
    build_ast_schema(parse(result.supergraph_sdl))
    return result.supergraph_sdl


def _block(sdl: str, head: str) -> str:
    start = sdl.index(head)
    return sdl[start : sdl.index("\n}", start) + 2]


def test_output_only_enum_takes_the_union_input_only_the_intersection() -> None:
    sdl = _compose(
        a="enum Out { A B }\nenum In { A B }\ntype Query { a(i: In): Out }",
        b="enum Out { B C }\nenum In { B C }\ntype Query { b(i: In): Out }",
    )
    assert [line.split()[0] for line in _block(sdl, "enum Out").splitlines()[1:-1]] == [
        "A",
        "B",
        "C",
    ]
    assert [line.split()[0] for line in _block(sdl, "enum In").splitlines()[1:-1]] == ["B"]


def test_input_fields_and_arguments_are_intersected_most_restrictive_type_wins() -> None:
    sdl = _compose(
        a="input F { x: Int y: Int }\ntype Query { a(f: F, extra: Int): Int @shareable }",
        b="input F { x: Int! }\ntype Query { a(f: F): Int @shareable }",
    )
    assert (
        '  x: Int! @join__field(graph: A, type: "Int") @join__field(graph: B, type: "Int!")' in sdl
    )
    assert "y: Int" not in _block(sdl, "input F")
    assert "a(f: F): Int" in sdl


def test_output_types_take_the_most_general_declaration() -> None:
    sdl = _compose(
        a='type Query { t: T }\ntype T @key(fields: "id") { id: ID! n: String! @shareable }',
        b='type T @key(fields: "id") { id: ID! n: String @shareable }',
    )
    assert (
        '  n: String @join__field(graph: A, type: "String!") @join__field(graph: B, type: "String")'
        in sdl
    )


def test_override_without_label_removes_the_source_graph() -> None:
    sdl = _compose(
        a='type Query { t: T }\ntype T @key(fields: "id") { id: ID! n: Int }',
        b='type T @key(fields: "id") { id: ID! n: Int @override(from: "a") }',
    )
    assert '  n: Int @join__field(graph: B, override: "a")\n' in sdl


def test_progressive_override_keeps_both_graphs_with_the_label() -> None:
    sdl = _compose(
        a='type Query { t: T }\ntype T @key(fields: "id") { id: ID! n: Int }',
        b='type T @key(fields: "id") { id: ID! n: Int @override(from: "a", label: "percent(5)") }',
    )
    assert (
        '  n: Int @join__field(graph: A, overrideLabel: "percent(5)") '
        '@join__field(graph: B, override: "a", overrideLabel: "percent(5)")'
    ) in sdl


def test_fields_every_graph_resolves_plainly_need_no_join_field() -> None:
    sdl = _compose(
        a='type Query { t: T }\ntype T @key(fields: "id") { id: ID! n: Int @shareable }',
        b='type T @key(fields: "id") { id: ID! n: Int @shareable w: Int @external '
        'x: Int @requires(fields: "w") }',
        c='type T @key(fields: "id") { id: ID! n: Int @shareable w: Int @shareable }',
    )
    block = _block(sdl, "type T ")
    assert "\n  id: ID!\n" in block
    assert "\n  n: Int\n" in block
    assert '  x: Int @join__field(graph: B, requires: "w")' in block
    assert "  w: Int @join__field(graph: B, external: true) @join__field(graph: C)" in block

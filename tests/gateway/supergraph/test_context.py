"""The context spec in a supergraph: contexts on types, context arguments on fields."""

from __future__ import annotations

from pathlib import Path

from graphql import InlineFragmentNode

from gateway.supergraph import ContextArgument, Supergraph, SupergraphProblems, load_supergraph

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "supergraphs"


def _load(sdl: str) -> Supergraph:
    loaded = load_supergraph(sdl)
    assert isinstance(loaded, Supergraph), loaded
    return loaded


def test_contexts_and_context_arguments_are_read() -> None:
    graph = _load((FIXTURES / "context.graphql").read_text())
    assert graph.types["User"].contexts == ("posts__owner",)
    assert graph.types["Folder"].contexts == ("posts__owner",)
    assert graph.types["Post"].contexts == ()
    (argument,) = graph.types["Comment"].fields["text"].graphs["posts"].context_arguments
    assert isinstance(argument, ContextArgument)
    assert (argument.context, argument.name, argument.type) == ("posts__owner", "author", "String")
    fragments = [s for s in argument.selection.selections if isinstance(s, InlineFragmentNode)]
    conditions = [f.type_condition.name.value for f in fragments if f.type_condition is not None]
    assert conditions == ["User", "Folder"]


def test_the_contextual_argument_is_not_in_the_api_schema() -> None:
    graph = _load((FIXTURES / "context.graphql").read_text())
    comment = graph.api_schema.get_type("Comment")
    assert list(comment.fields["text"].args) == ["loud"]  # type: ignore[union-attr]
    assert graph.api_schema.get_type("context__ContextFieldValue") is None


def test_a_context_argument_with_a_broken_selection_is_a_problem() -> None:
    sdl = (
        (FIXTURES / "context.graphql")
        .read_text()
        .replace(
            'selection: " ... on User { name } ... on Folder { name }"', 'selection: "{ name "'
        )
    )
    loaded = load_supergraph(sdl)
    assert isinstance(loaded, SupergraphProblems)
    assert [p.code for p in loaded.problems] == ["INVALID_CONTEXT_ARGUMENT"]

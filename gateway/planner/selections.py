"""A mutable, ordered selection builder used while planning, and its conversion to the AST.

Planning adds fields to fetch groups incrementally (client fields, keys, `@requires` inputs,
`__typename`); the builder merges a field selected twice under one response key. It never
leaves the planner: fetches carry printed operations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import (
    ArgumentNode,
    DirectiveNode,
    FieldNode,
    InlineFragmentNode,
    NamedTypeNode,
    NameNode,
    SelectionNode,
    SelectionSetNode,
    print_ast,
)

__all__ = ["FieldItem", "FragmentItem", "Sel"]


@dataclass(slots=True, kw_only=True)
class FieldItem:
    """One field in a subgraph selection; `sub` is None for leaves."""

    name: str
    alias: str | None = None
    arguments: tuple[ArgumentNode, ...] = ()
    directives: tuple[DirectiveNode, ...] = ()
    sub: Sel | None = None


@dataclass(slots=True, kw_only=True)
class FragmentItem:
    """An inline fragment: a type condition and/or `@skip`/`@include` directives."""

    type_condition: str | None
    directives: tuple[DirectiveNode, ...] = ()
    sub: Sel = field(default_factory=lambda: Sel())


def _directives_key(directives: tuple[DirectiveNode, ...]) -> str:
    return " ".join(print_ast(d) for d in directives)


@dataclass(slots=True)
class Sel:
    """An ordered selection set; items are keyed so that repeated additions merge."""

    items: dict[str, FieldItem | FragmentItem] = field(default_factory=dict)

    def add_field(
        self,
        name: str,
        *,
        alias: str | None = None,
        arguments: tuple[ArgumentNode, ...] = (),
        directives: tuple[DirectiveNode, ...] = (),
        composite: bool = False,
        first: bool = False,
        planned: bool = False,
    ) -> FieldItem:
        """Get or create the field; `first` puts a new field before the others (`__typename`).

        A `planned` field (a key or `@requires` input the planner adds) whose response key the
        client already uses for another field (or other arguments) is aliased `fed__<name>`
        (`fed__<name>_2`, ... when that is taken too).
        """
        key = f"{alias or name}|{_directives_key(directives)}"
        item = self.items.get(key)
        suffix = 1
        while planned and isinstance(item, FieldItem) and _differs(item, name, arguments):
            alias = f"fed__{name}" + (f"_{suffix}" if suffix > 1 else "")
            key = f"{alias}|{_directives_key(directives)}"
            item = self.items.get(key)
            suffix += 1
        if not isinstance(item, FieldItem):
            item = FieldItem(name=name, alias=alias, arguments=arguments, directives=directives)
            if first:
                self.items = {key: item, **self.items}
            else:
                self.items[key] = item
        if composite and item.sub is None:
            item.sub = Sel()
        return item

    def add_typename(self) -> None:
        self.add_field("__typename", first=True)

    def add_fragment(
        self, type_condition: str | None, directives: tuple[DirectiveNode, ...] = ()
    ) -> Sel:
        """Get or create an inline fragment and return its selection."""
        key = f"...{type_condition or ''}|{_directives_key(directives)}"
        item = self.items.get(key)
        if not isinstance(item, FragmentItem):
            item = FragmentItem(type_condition=type_condition, directives=directives)
            self.items[key] = item
        return item.sub

    def add_node(self, selection: SelectionSetNode) -> None:
        """Merge a parsed field set (a key or `@requires`) in, without aliases or arguments."""
        for node in selection.selections:
            if isinstance(node, FieldNode):
                composite = node.selection_set is not None
                item = self.add_field(node.name.value, composite=composite)
                if item.sub is not None and node.selection_set is not None:
                    item.sub.add_node(node.selection_set)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition.name.value if node.type_condition else None
                self.add_fragment(condition).add_node(node.selection_set)

    def promote(self, before: set[str]) -> None:
        """Move leaf fields added since `before` up, right after `__typename` (keys first)."""
        added = [k for k, v in self.items.items() if k not in before and isinstance(v, FieldItem)]
        head = [k for k in self.items if k.startswith("__typename|")]
        order = head + [k for k in added if k not in head]
        order += [k for k in self.items if k not in order]
        self.items = {k: self.items[k] for k in order}

    def prune(self) -> None:
        """Drop composite fields whose selection ended up empty (every field in it moved to
        another fetch, say by a climb), which no subgraph would accept."""
        for key, item in list(self.items.items()):
            if item.sub is None:
                continue
            item.sub.prune()
            if not item.sub.items:
                del self.items[key]

    def is_empty(self) -> bool:
        """No fields, not even inside fragments."""
        return all(isinstance(i, FragmentItem) and i.sub.is_empty() for i in self.items.values())

    def to_ast(self) -> SelectionSetNode:
        """The selection set; fragments left empty (a guard nothing went under) are dropped."""
        kept = (
            i for i in self.items.values() if not (isinstance(i, FragmentItem) and i.sub.is_empty())
        )
        return SelectionSetNode(selections=tuple(_item_ast(i) for i in kept))


def _differs(item: FieldItem, name: str, arguments: tuple[ArgumentNode, ...]) -> bool:
    if item.name != name:
        return True
    return [print_ast(a) for a in item.arguments] != [print_ast(a) for a in arguments]


def _item_ast(item: FieldItem | FragmentItem) -> SelectionNode:
    if isinstance(item, FragmentItem):
        condition = item.type_condition
        return InlineFragmentNode(
            type_condition=NamedTypeNode(name=NameNode(value=condition)) if condition else None,
            directives=item.directives,
            selection_set=item.sub.to_ast(),
        )
    return FieldNode(
        alias=NameNode(value=item.alias) if item.alias else None,
        name=NameNode(value=item.name),
        arguments=item.arguments,
        directives=item.directives,
        selection_set=item.sub.to_ast() if item.sub is not None else None,
    )

"""Authorization from the supergraph's directives: unauthorised fields leave the operation before
it is planned, so no subgraph is ever asked for them.

`filter_operation` rewrites the client's validated operation (fragments inlined, so every removed
field has one response path) without the fields the caller may not see, and records each removed
path. A selection left empty is removed with its field. The result is an AST handed to the
planner as it is: no printing and no second parse or validation (removing fields from a valid
operation leaves it valid, bar variables it no longer uses, which nothing needs to refuse). The
server then either refuses the request (`authorization.reject_unauthorized`) or runs the copy
and puts null plus an UNAUTHORIZED_FIELD_OR_TYPE error at each removed path, as Apollo Router
does. An operation that loses nothing is run exactly as sent, so it shares its plan with
everyone else's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    get_named_type,
)

from gateway.documents import Runnable
from gateway.operation import PreparedOperation
from gateway.security.authentication import Claims
from gateway.security.directives import Requirement

__all__ = [
    "UNAUTHORIZED_FIELD_OR_TYPE",
    "Authorized",
    "Filtered",
    "PolicyHook",
    "filter_operation",
    "null_removed",
    "satisfies",
]

UNAUTHORIZED_FIELD_OR_TYPE = "UNAUTHORIZED_FIELD_OR_TYPE"
PolicyHook = Callable[[frozenset[str], Claims], bool]
"""Whether the caller meets every policy in the set (`@policy`); the default refuses."""
Path = tuple[str, ...]


def deny_policies(policies: frozenset[str], claims: Claims) -> bool:
    return False


def satisfies(requirement: Requirement, claims: Claims, policy_hook: PolicyHook) -> bool:
    """Whether `claims` meet `requirement` (scopes and policies: any one group, all of it)."""
    if requirement.authenticated and claims.subject is None:
        return False
    if requirement.scopes and not any(group <= claims.scopes for group in requirement.scopes):
        return False
    return not requirement.policies or any(policy_hook(g, claims) for g in requirement.policies)


@dataclass(frozen=True, slots=True, kw_only=True)
class Filtered:
    """The operation to run (None: nothing left to run) and the response paths removed."""

    prepared: PreparedOperation | None
    removed: tuple[Path, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Authorized:
    """What the server runs for one caller (None: nothing) and the paths removed for it."""

    operation: Runnable | None
    removed: tuple[Path, ...]


@dataclass(slots=True)
class _Walk:
    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    allowed: Callable[[str, str], bool]
    removed: list[Path] = field(default_factory=list)
    spreads: int = 0


def filter_operation(
    schema: GraphQLSchema,
    prepared: PreparedOperation,
    allowed: Callable[[str, str], bool],
) -> Filtered:
    """`prepared` without the fields `allowed(type name, field name)` refuses."""
    operation = prepared.operation
    root = schema.get_root_type(operation.operation)
    if root is None:
        return Filtered(prepared=prepared, removed=())
    walk = _Walk(schema=schema, fragments=prepared.fragments, allowed=allowed)
    try:
        kept = _selections(walk, operation.selection_set, root, (), frozenset())
    except _Unfilterable:
        return Filtered(prepared=prepared, removed=())  # validated, so never reached
    if not walk.removed:
        return Filtered(prepared=prepared, removed=())
    if kept is None:
        return Filtered(prepared=None, removed=tuple(walk.removed))
    rewritten = _with_selections(operation, kept)
    copy = PreparedOperation(
        document=DocumentNode(definitions=(rewritten,)),
        operation=rewritten,
        fragments={},
        kind=prepared.kind,
        name=prepared.name,
        facts=prepared.facts,
    )
    return Filtered(prepared=copy, removed=tuple(walk.removed))


def guarded_fields(
    schema: GraphQLSchema, prepared: PreparedOperation, guarded: Callable[[str, str], bool]
) -> tuple[tuple[str, str], ...]:
    """The (type, field) pairs `guarded` names that `prepared` selects anywhere.

    Filtering asks about no other pair, so a caller's verdicts on these decide its result.
    """
    found: dict[tuple[str, str], None] = {}

    def record(type_name: str, field_name: str) -> bool:
        if guarded(type_name, field_name):
            found[(type_name, field_name)] = None
        return True

    filter_operation(schema, prepared, record)
    return tuple(found)


class _Unfilterable(Exception):
    pass


def _with_selections(
    operation: OperationDefinitionNode, kept: SelectionSetNode
) -> OperationDefinitionNode:
    return OperationDefinitionNode(
        operation=operation.operation,
        name=operation.name,
        variable_definitions=operation.variable_definitions,
        directives=operation.directives,
        selection_set=kept,
    )


def _selections(
    walk: _Walk,
    selection_set: SelectionSetNode,
    parent: GraphQLNamedType,
    path: Path,
    seen: frozenset[str],
) -> SelectionSetNode | None:
    kept: list[SelectionNode] = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            field_node = _field(walk, selection, parent, path, seen)
            if field_node is not None:
                kept.append(field_node)
            continue
        if isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = walk.fragments.get(name)
            if fragment is None or name in seen:
                raise _Unfilterable
            condition, inner, directives = (
                fragment.type_condition,
                fragment.selection_set,
                selection.directives,
            )
            seen = seen | {name}
        else:
            assert isinstance(selection, InlineFragmentNode)
            condition, inner, directives = (
                selection.type_condition,
                selection.selection_set,
                selection.directives,
            )
        scope = walk.schema.get_type(condition.name.value) if condition is not None else parent
        if scope is None:
            raise _Unfilterable
        below = _selections(walk, inner, scope, path, seen)
        if below is not None:
            kept.append(
                InlineFragmentNode(
                    type_condition=condition, directives=directives, selection_set=below
                )
            )
    return SelectionSetNode(selections=tuple(kept)) if kept else None


def _field(
    walk: _Walk, node: FieldNode, parent: GraphQLNamedType, path: Path, seen: frozenset[str]
) -> FieldNode | None:
    name = node.name.value
    fields = parent.fields if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) else {}
    definition = fields.get(name)
    if definition is None or name.startswith("__"):
        return node  # validation (or introspection) deals with it
    here = (*path, node.alias.value if node.alias else name)
    if not walk.allowed(parent.name, name):
        walk.removed.append(here)
        return None
    if node.selection_set is None:
        return node
    below = _selections(walk, node.selection_set, get_named_type(definition.type), here, seen)
    if below is None:
        return None  # every field under it was removed (and recorded)
    return FieldNode(
        alias=node.alias,
        name=node.name,
        arguments=node.arguments,
        directives=node.directives,
        selection_set=below,
    )


def null_removed(body: dict[str, Any], removed: tuple[Path, ...]) -> dict[str, Any]:
    """`body` with null and an UNAUTHORIZED_FIELD_OR_TYPE error at every removed path."""
    data = body.get("data")
    if data is None and "data" in body:
        data = None  # a null root stays null (an error elsewhere propagated to it)
    elif not isinstance(data, dict):
        data = {}
    for path in removed:
        if isinstance(data, dict):
            _set_null(data, path)
    errors = [
        {
            "message": "Unauthorized field or type",
            "path": list(path),
            "extensions": {"code": UNAUTHORIZED_FIELD_OR_TYPE},
        }
        for path in removed
    ]
    return {**body, "data": data, "errors": [*body.get("errors", []), *errors]}


def _set_null(value: Any, path: Path) -> None:
    if isinstance(value, list):
        for item in value:
            _set_null(item, path)
    elif isinstance(value, dict) and path:
        if len(path) == 1:
            value.setdefault(path[0], None)
        elif path[0] in value:
            _set_null(value[path[0]], path[1:])

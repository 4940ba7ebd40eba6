"""Query plans as immutable data, in Apollo's model, so ours can be set beside theirs.

A plan is a tree of seven node kinds: Apollo's six (`Defer` only at the top) and Hive
Router's `BatchFetch`. Behaviour
(execution, printing) lives in functions that
`match` on the node type; these classes carry no logic. The JSON form (`plan_to_json`) uses
Apollo's field names: `kind`, `serviceName`, `requires`, `variableUsages`, `operation`, ...
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

__all__ = [
    "BatchFetchNode",
    "ConditionNode",
    "DeferNode",
    "DeferredNode",
    "EntityBatch",
    "FetchNode",
    "FieldSelection",
    "FlattenNode",
    "FragmentSelection",
    "KeyRenamer",
    "ParallelNode",
    "PlanNode",
    "QueryPlan",
    "RequiresSelection",
    "Rewrite",
    "SequenceNode",
    "ValueSetter",
]

OperationKind: TypeAlias = Literal["query", "mutation", "subscription"]


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldSelection:
    """A field inside a `requires` selection: which value of the parent object to send.

    `name` is the response key in the merged data (the planner never aliases key fields).
    """

    name: str
    selections: tuple[RequiresSelection, ...] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FragmentSelection:
    """An inline fragment inside `requires`: applies when the object's `__typename` is
    `type_condition` (or, for interface objects, any type the planner mapped to it)."""

    type_condition: str
    selections: tuple[RequiresSelection, ...]


RequiresSelection: TypeAlias = FieldSelection | FragmentSelection


@dataclass(frozen=True, slots=True, kw_only=True)
class ValueSetter:
    """Apollo's input/output rewrite: set the value at `path` to `set_value_to`.

    Used for `@interfaceObject`, where the representation's `__typename` must be the interface
    name rather than the concrete type. Path elements are `... on T` type conditions or keys.
    """

    path: tuple[str, ...]
    set_value_to: str


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyRenamer:
    """Apollo's rename rewrite: after a fetch, copy the value at `path` to `rename_key_to`."""

    path: tuple[str, ...]
    rename_key_to: str


Rewrite: TypeAlias = ValueSetter | KeyRenamer


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchNode:
    """One GraphQL request to one subgraph.

    With `requires` unset it is a root fetch: `operation` runs as is and its `data` merges into
    the root. With `requires` set it is an entity fetch: the executor builds one representation
    per object found at the enclosing Flatten's path (deduplicated), sends them as
    `$representations`, and merges `_entities[i]` back into the i-th object by position.
    `context_rewrites` (Apollo's `contextRewrites`) fill `@fromContext` arguments: each reads,
    from the object at the Flatten path, a value `..` levels up (response fields, lists not
    counted) under a `... on T` condition, into the variable `rename_key_to`.
    """

    service_name: str
    operation: str
    operation_kind: OperationKind = "query"
    operation_name: str | None = None
    variable_usages: tuple[str, ...] = ()
    requires: tuple[RequiresSelection, ...] | None = None
    input_rewrites: tuple[Rewrite, ...] = ()
    output_rewrites: tuple[Rewrite, ...] = ()
    context_rewrites: tuple[KeyRenamer, ...] = ()
    id: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EntityBatch:
    """One aliased `_entities` field of a batch: `alias: _entities(representations: $variable)`.

    Representations come from the objects at every path in `paths` (deduplicated across them),
    and `alias[i]` merges back into each object representation i came from.
    """

    alias: str
    variable: str
    paths: tuple[tuple[str, ...], ...]
    requires: tuple[RequiresSelection, ...]
    input_rewrites: tuple[Rewrite, ...] = ()
    output_rewrites: tuple[Rewrite, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchFetchNode:
    """Several entity fetches to one subgraph in one request (Hive Router's `BatchFetch`).

    The operation selects one aliased `_entities` field per entry of `entities`; it always runs
    against the whole response (paths start at the root).
    """

    service_name: str
    operation: str
    entities: tuple[EntityBatch, ...]
    operation_kind: OperationKind = "query"
    operation_name: str | None = None
    variable_usages: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class FlattenNode:
    """Run `node` against every object found at `path` in the merged data.

    Path elements are response keys, and `"@"` for "each element of this list".
    """

    path: tuple[str, ...]
    node: PlanNode


@dataclass(frozen=True, slots=True, kw_only=True)
class SequenceNode:
    """Children run one after another; each sees the data merged by those before it."""

    nodes: tuple[PlanNode, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ParallelNode:
    """Children are independent and run concurrently."""

    nodes: tuple[PlanNode, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ConditionNode:
    """Branch on a boolean variable, for `@skip`/`@include` with a variable argument."""

    condition: str
    if_clause: PlanNode | None = None
    else_clause: PlanNode | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DeferredNode:
    """One deferred fragment's part (Apollo's `DeferredNode`): `node` fetches what it needs
    (None: its fields came with an earlier fetch) once the part it `depends` on (None: the
    primary part) is done; its data is delivered at every object found at `path` (response
    keys, `"@"` per list level), under `label`.

    Apollo nests a fragment's children in a `Defer` inside its node and lists fetch ids in
    `depends`; here parts are flat and `depends` names the enclosing deferred fragment, which
    is all the executor needs to order them."""

    id: int
    label: str | None
    path: tuple[str, ...]
    depends: int | None
    node: PlanNode | None


@dataclass(frozen=True, slots=True, kw_only=True)
class DeferNode:
    """A plan with `@defer` (Apollo's `DeferNode`, only ever at the top): the primary part
    answers first, then each deferred part as it completes (`executor/defer.py`). Run as
    an ordinary node, the parts run one after another and merge into one answer."""

    primary: PlanNode | None
    deferred: tuple[DeferredNode, ...]


PlanNode: TypeAlias = (
    FetchNode
    | BatchFetchNode
    | FlattenNode
    | SequenceNode
    | ParallelNode
    | ConditionNode
    | DeferNode
)


@dataclass(frozen=True, slots=True, kw_only=True)
class QueryPlan:
    """The whole plan; `node` is None when nothing needs fetching (e.g. only `__typename`)."""

    node: PlanNode | None

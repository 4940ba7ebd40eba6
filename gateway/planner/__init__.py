"""The planner stage: a prepared operation and the supergraph in, a query plan (pure data) out.

`build.py` is the entry. `normalize.py` inlines fragments and decides literal `@skip`/`@include`;
`root.py` sends each top-level field to a subgraph; `walk.py` splits a selection between the
current subgraph and the others, and `entities.py` adds `_entities` fetches (keys, `@requires`,
`@interfaceObject` rewrites); `graph.py` answers "can subgraph S resolve T.f here?".
`groups.py` holds fetches while they are built, `optimize.py` and `schedule.py` turn them into
Sequence/Parallel/Flatten/Condition nodes, `fetch.py` prints subgraph operations, and
`printer.py` prints plans as Apollo does.
"""

from gateway.planner.build import build_query_plan, default_override_labels, override_labels_in
from gateway.planner.entities import PlanningError
from gateway.planner.plan import (
    BatchFetchNode,
    ConditionNode,
    DeferNode,
    DeferredNode,
    EntityBatch,
    FetchNode,
    FieldSelection,
    FlattenNode,
    FragmentSelection,
    KeyRenamer,
    ParallelNode,
    PlanNode,
    QueryPlan,
    RequiresSelection,
    Rewrite,
    SequenceNode,
    ValueSetter,
)
from gateway.planner.printer import plan_extensions, plan_to_json, print_plan
from gateway.planner.uploads import upload_refusal

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
    "PlanningError",
    "QueryPlan",
    "RequiresSelection",
    "Rewrite",
    "SequenceNode",
    "ValueSetter",
    "build_query_plan",
    "default_override_labels",
    "override_labels_in",
    "plan_extensions",
    "plan_to_json",
    "print_plan",
    "upload_refusal",
]

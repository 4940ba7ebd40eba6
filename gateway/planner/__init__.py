"""The planner stage: a prepared operation and the supergraph in, a query plan (pure data) out."""

from gateway.planner.build import build_query_plan, default_override_labels
from gateway.planner.entities import PlanningError
from gateway.planner.plan import (
    ConditionNode,
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
from gateway.planner.printer import plan_to_json, print_plan

__all__ = [
    "ConditionNode",
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
    "plan_to_json",
    "print_plan",
]

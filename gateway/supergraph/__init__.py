"""The supergraph stage: read a join-spec supergraph into the facts the planner needs."""

from .load import load_supergraph
from .model import (
    ContextArgument,
    FieldInGraph,
    FieldMeta,
    JoinDirective,
    Key,
    OperationType,
    SubgraphInfo,
    Supergraph,
    TypeInGraph,
    TypeKind,
    TypeMeta,
    possible_types,
)
from .problems import SupergraphProblem, SupergraphProblems

__all__ = [
    "ContextArgument",
    "FieldInGraph",
    "FieldMeta",
    "JoinDirective",
    "Key",
    "OperationType",
    "SubgraphInfo",
    "Supergraph",
    "SupergraphProblem",
    "SupergraphProblems",
    "TypeInGraph",
    "TypeKind",
    "TypeMeta",
    "load_supergraph",
    "possible_types",
]

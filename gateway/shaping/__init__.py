"""The shaping stage: merged data in, exactly the client's selection out.

Merging and shaping are separate steps: the executor merges whatever the subgraphs sent, and
shaping alone keeps what the client asked for, under its aliases and in its order, with
GraphQL's null propagation. The shape of an operation is compiled once per document and
`@skip`/`@include` values (`compile_shape`), and the gateway's own answers (introspection,
root `__typename`) are merged before shaping.
"""

from gateway.shaping.compiler import CompiledShape, compile_shape, directive_variables
from gateway.shaping.introspection import (
    INTROSPECTION_FIELDS,
    IntrospectionAnswer,
    answer_introspection,
)
from gateway.shaping.shape import shape_response

__all__ = [
    "INTROSPECTION_FIELDS",
    "CompiledShape",
    "IntrospectionAnswer",
    "answer_introspection",
    "compile_shape",
    "directive_variables",
    "shape_response",
]

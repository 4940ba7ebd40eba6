"""Per-client usage: which client app ran which operations and selected which fields.

`gateway_client_operations_total{client,operation_type,operation_name}` counts every GraphQL
request by client; with `metrics.field_usage`, `gateway_client_field_usage_total{client,
coordinate}` counts each `Type.field` an executed operation selects (once per request), the
figure a deprecation decision needs ("who still reads `User.email`?"). `gateway usage` prints
both from a scrape.

Cardinality stays bounded: client names come from callers, so only `metrics.client_names`
(or, without that list, the first `metrics.clients` names seen) get a label of their own,
the rest are `other`; coordinates are bounded by the schema; operation names as elsewhere.
The fields of an operation are found once per validated document (kept on its `Runnable`)
with the same walk `gateway diff --operations` uses.
"""

from __future__ import annotations

from graphql import DocumentNode, GraphQLSchema

from gateway.checks.usage import used_coordinates
from gateway.clients import ClientIdentity
from gateway.config.observability import MetricsConfig
from gateway.documents import Runnable

__all__ = ["OTHER", "UNIDENTIFIED_LABEL", "ClientLabels", "operation_fields"]

OTHER = "other"
UNIDENTIFIED_LABEL = "unidentified"


class ClientLabels:
    """The bounded `client` label of a client name."""

    def __init__(self, settings: MetricsConfig) -> None:
        self._allowed = frozenset(settings.client_names)
        self._max = settings.clients
        self._seen: set[str] = set()

    def __call__(self, client: ClientIdentity | None) -> str:
        name = client.name if client is not None else None
        if name is None:
            return UNIDENTIFIED_LABEL
        if self._allowed:
            return name if name in self._allowed else OTHER
        if name in self._seen:
            return name
        if len(self._seen) < self._max:
            self._seen.add(name)
            return name
        return OTHER


def operation_fields(schema: GraphQLSchema, operation: Runnable) -> frozenset[str]:
    """The `Type.field` coordinates `operation` selects (found once, then kept on it)."""
    if operation.fields is None:
        prepared = operation.prepared
        document = DocumentNode(definitions=(prepared.operation, *prepared.fragments.values()))
        found = used_coordinates(schema, document)
        operation.fields = frozenset(
            c
            for c in found
            if "." in c and "(" not in c and "__" not in c  # no introspection
        )
    return operation.fields

"""A subscription's plan, run once per event: the event stands in for the subscription fetch.

The planner plans a subscription like a query (`gateway/planner`): its first fetch is the
subscription operation, sent to the one subgraph that owns the root field, and the rest are the
entity fetches that complete each event. Rather than a second executor, each event runs the same
plan through `EventTransport`, which answers that first fetch with the event and passes every
other fetch to the gateway's transport; merging, errors and shaping are the query path's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gateway.planner import FetchNode, PlanNode, QueryPlan, SequenceNode
from gateway.transports import SubgraphRequest, SubgraphResult, Transport

__all__ = ["EventTransport", "subscription_fetch", "upstream_request"]


def subscription_fetch(plan: QueryPlan) -> FetchNode | None:
    """The plan's subscription fetch (the first node to run), or None if it has none."""
    node: PlanNode | None = plan.node
    while isinstance(node, SequenceNode) and node.nodes:
        node = node.nodes[0]
    if isinstance(node, FetchNode) and node.operation_kind == "subscription":
        return node
    return None


def upstream_request(
    fetch: FetchNode, variables: Mapping[str, Any], headers: Mapping[str, str]
) -> SubgraphRequest:
    """What to subscribe to at the owning subgraph: the fetch's operation and its variables."""
    used = {name: variables[name] for name in fetch.variable_usages if name in variables}
    return SubgraphRequest(
        query=fetch.operation,
        operation_name=fetch.operation_name,
        variables=used,
        headers=headers,
    )


@dataclass(frozen=True, slots=True)
class EventTransport:
    """The gateway's transport, except that the subscription fetch answers with `event`."""

    fetch_node: FetchNode
    event: SubgraphResult
    inner: Transport

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResult:
        if service_name == self.fetch_node.service_name and request.query == (
            self.fetch_node.operation
        ):
            return self.event
        return await self.inner.fetch(service_name, request)

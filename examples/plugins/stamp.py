"""Stamps every subgraph request with the client's operation name, and every answer.

    gateway serve --supergraph supergraph.graphql --plugin examples.plugins.stamp:plugin

Each subgraph request gets the header `x-stamp: <operation name>` (empty for an anonymous
operation) and each GraphQL answer `extensions.stamp: true`.
"""

from __future__ import annotations

from gateway.plugins import OutgoingResponse, SubgraphCall

__all__ = ["Stamp", "plugin"]


class Stamp:
    async def on_subgraph_request(self, ctx: SubgraphCall) -> None:
        name = ctx.scope.operation_name if ctx.scope is not None else None
        ctx.headers["x-stamp"] = name or ""

    async def on_response(self, ctx: OutgoingResponse) -> None:
        ctx.extensions["stamp"] = True


plugin = Stamp()

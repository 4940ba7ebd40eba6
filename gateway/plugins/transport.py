"""`PluginTransport`: the subgraph hooks around any `Transport`, installed only when needed.

The HTTP transport tells its `observer` (telemetry) about each request it actually sends,
after deduplication. Plugin hooks belong one step earlier, around `Transport.fetch` as the
executor calls it: a hook that changes headers or the body changes what is deduplicated, and
a hook that answers by itself (a cache) must spare the subgraph and the pool altogether. So
instead of an option inside `HttpTransport`, the server wraps the transport in this class
only when a plugin has a subgraph hook; without one, the executor calls the HTTP transport
directly and pays nothing, not even an attribute check. It works for any transport
(in-process too).

Like every transport it never raises: a failing hook becomes a `SubgraphFailure` with the
`PLUGIN_ERROR` code (logged, masked), which the executor turns into an error at the fetch's
path, as it does for a subgraph that failed.
"""

from __future__ import annotations

from gateway.plugins.chain import PLUGIN_ERROR, PluginChain
from gateway.plugins.context import SubgraphCall, current_scope
from gateway.transports import SubgraphFailure, SubgraphRequest, SubgraphResult, Transport

__all__ = ["PluginTransport"]

_FAILED_MESSAGE = "A gateway plugin failed while handling this subgraph request."


class PluginTransport:
    """`Transport` that runs `on_subgraph_request` and `on_subgraph_response` around `inner`."""

    def __init__(self, inner: Transport, chain: PluginChain) -> None:
        self.inner = inner
        self._chain = chain

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResult:
        call = SubgraphCall(
            scope=current_scope(),
            service_name=service_name,
            query=request.query,
            operation_name=request.operation_name,
            variables=dict(request.variables),
            headers=dict(request.headers),
            is_mutation=request.is_mutation,
        )
        if not await self._chain.subgraph_request(call):
            return SubgraphFailure(message=_FAILED_MESSAGE, code=PLUGIN_ERROR)
        if call.result is None:
            call.result = await self.inner.fetch(service_name, _request_of(call, request))
        if not await self._chain.subgraph_response(call):
            return SubgraphFailure(message=_FAILED_MESSAGE, code=PLUGIN_ERROR)
        return call.result


def _request_of(call: SubgraphCall, original: SubgraphRequest) -> SubgraphRequest:
    """The request as the hooks left it. Built afresh rather than compared with the original:
    comparing the variables would walk every representation of an entity fetch."""
    return SubgraphRequest(
        query=call.query,
        operation_name=call.operation_name,
        variables=call.variables,
        headers=call.headers,
        is_mutation=original.is_mutation,
    )

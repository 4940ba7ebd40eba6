"""Some subgraphs in the gateway's own process, the others over HTTP.

A subgraph named in the settings with `subgraphs.<name>.schema: module:attribute` is a Python
schema (Strawberry or graphql-core) the gateway executes itself: no socket, no JSON round trip,
the same answer checks as an HTTP answer (`InProcessTransport`). Every other subgraph goes to
the default transport. Routes are keyed the way the settings key subgraphs (the name
upper-cased, other characters as `_`), so they hold for any supergraph that is loaded later.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from gateway.transports.protocol import SubgraphRequest, SubgraphResult, Transport

__all__ = ["RoutedTransport"]


class RoutedTransport:
    """`Transport` that sends each subgraph to its own transport, or to `default`."""

    def __init__(
        self,
        default: Transport,
        routes: Mapping[str, Transport],
        key: Callable[[str], str],
    ) -> None:
        self.default = default
        self._routes = dict(routes)
        self._key = key
        self._chosen: dict[str, Transport] = {}

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResult:
        transport = self._chosen.get(service_name)
        if transport is None:
            transport = self._routes.get(self._key(service_name), self.default)
            self._chosen[service_name] = transport
        return await transport.fetch(service_name, request)

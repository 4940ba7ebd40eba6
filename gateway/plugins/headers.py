"""`HeaderRules`: the header forwarding rules of `headers.forward`, registered as a plugin.

There is one implementation of the rules, `HeaderPolicy` (`gateway/headers.py`): only listed
client headers reach subgraphs, lowercase, the first of repeated ones. The setting and this
plugin are two ways to register it. The setting is the fast path: the runtime applies the
policy once per client request, and inbound deduplication, the entity cache and subscriptions
see the forwarded headers. The plugin applies the same policy in `on_subgraph_request`, once per
subgraph request, which costs more (`python -m benchmarks.growth.headers`) and happens after
inbound deduplication has keyed the request and after the entity cache has looked at it
(see docs/plugins.md). It is for deployments that want every rule in one plugin list, or a
subclass that decides per subgraph (override `rules_for`).

`forward_client_address: true` sends `x-forwarded-for` as the client's address the server saw,
never what the client sent, as `rate_limit.forward_client_address` does: subgraphs trust it
from the gateway. Without it a listed `x-forwarded-for` passes as the client sent it, as with
the setting (for a gateway behind a proxy that sets it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.config.parsers import boolean, lower_names
from gateway.headers import HeaderPolicy
from gateway.plugins.context import SubgraphCall
from gateway.security.ratelimit import CLIENT_ADDRESS_HEADER

__all__ = ["HeaderRules"]


class HeaderRules:
    """Forwards the listed client headers to every subgraph:
    `{forward: [authorization, ...], forward_client_address: false}`.

    The headers are added to what the subgraph request already carries (a header the setting
    or an earlier plugin set is overwritten by the client's value, as the setting would send).
    """

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        given = config or {}
        self.policy = HeaderPolicy(lower_names(given.get("forward", ())))
        self._client_address = boolean(given.get("forward_client_address", False))

    def rules_for(self, service_name: str) -> HeaderPolicy | None:
        """The rules for one subgraph (None: forward nothing); every subgraph's by default."""
        return self.policy

    async def on_subgraph_request(self, ctx: SubgraphCall) -> None:
        scope = ctx.scope
        if scope is None:
            return
        policy = self.rules_for(ctx.service_name)
        if policy is None:
            return
        forwarded = policy.forwarded(scope.headers)
        if self._client_address:
            forwarded.pop(CLIENT_ADDRESS_HEADER, None)
            if scope.client is not None:
                forwarded[CLIENT_ADDRESS_HEADER] = scope.client
        ctx.headers.update(forwarded)

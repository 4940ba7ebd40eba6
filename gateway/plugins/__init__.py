"""Gateway plugins: plain Python objects with optional async hooks, run in a defined order.

A plugin defines any of `on_request`, `on_operation`, `on_plan`, `on_subgraph_request`,
`on_subgraph_response`, `on_error`, `on_response` (each `async def hook(self, ctx)`, the
context types in `context.py`), and optionally `authorize_policies(policies, claims) -> bool`
to decide `@policy`. `chain.py` says in which order they run and what a failure does;
`transport.py` runs the subgraph hooks around any `Transport`; `loading.py` reads
`module:attribute` names; `headers.py` is the header forwarding rules as a plugin. The
server's glue is `gateway/server/plugged.py`.
"""

from gateway.plugins.chain import PLUGIN_ERROR, PluginChain, PluginRefusal, PolicyHook
from gateway.plugins.context import (
    ErrorInfo,
    IncomingRequest,
    OperationInfo,
    OutgoingResponse,
    PlanInfo,
    Refuse,
    RequestScope,
    SubgraphCall,
    current_scope,
    enter_scope,
    leave_scope,
)
from gateway.plugins.headers import HeaderRules
from gateway.plugins.loading import PluginLoadError, PluginRef, load_plugin, load_plugins
from gateway.plugins.transport import PluginTransport

__all__ = [
    "PLUGIN_ERROR",
    "ErrorInfo",
    "HeaderRules",
    "IncomingRequest",
    "OperationInfo",
    "OutgoingResponse",
    "PlanInfo",
    "PluginChain",
    "PluginLoadError",
    "PluginRef",
    "PluginRefusal",
    "PluginTransport",
    "PolicyHook",
    "Refuse",
    "RequestScope",
    "SubgraphCall",
    "current_scope",
    "enter_scope",
    "leave_scope",
    "load_plugin",
    "load_plugins",
]

"""Refuses operations a client is not allowed to run, by a named-client allowlist.

    plugins:
      - use: examples.plugins.allowlist:ClientAllowlist
        config:
          header: x-client-name          # who the client says it is (default shown)
          clients:
            ios-app: [Me, AccountsCenter]
            partner-billing: [Invoices]

A client that does not name itself, or names a client not listed, is refused with
`UNKNOWN_CLIENT`; a listed client running an operation not in its list with
`OPERATION_NOT_ALLOWED` (both 403). Anonymous operations have no name, so never match.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.plugins import OperationInfo, Refuse

__all__ = ["ClientAllowlist"]


class ClientAllowlist:
    def __init__(self, config: Mapping[str, Any]) -> None:
        self._header = str(config.get("header", "x-client-name")).lower()
        clients = config.get("clients") or {}
        self._allowed = {str(name): frozenset(map(str, ops)) for name, ops in clients.items()}

    async def on_operation(self, ctx: OperationInfo) -> None:
        client = ctx.scope.headers.get(self._header)
        allowed = self._allowed.get(client) if client is not None else None
        if allowed is None:
            raise Refuse(f"Unknown client: name it in {self._header}.", code="UNKNOWN_CLIENT")
        if ctx.operation_name not in allowed:
            raise Refuse(
                f"Client {client} may not run operation {ctx.operation_name or '(anonymous)'}.",
                code="OPERATION_NOT_ALLOWED",
            )

"""Custom authentication: an API key in a header names the calling client, or it is refused.

    plugins:
      - use: examples.plugins.custom_auth:ApiKeyAuth
        config:
          header: x-api-key                 # where the key is (default shown)
          keys_file: /run/secrets/api-keys  # one `client-name sha256-hex-of-key` per line
          forward_as: x-api-client          # the header subgraphs get the client's name in

`on_request` runs before the body is read, so a request without a key, or with a key not in the
file, costs no parsing: it gets `UNAUTHENTICATED` (401) with a message saying which header is
expected. A known key puts the client's name in the request's `scope.state["api_client"]`,
where any later hook of any plugin reads it (an allowlist, a rate limit, a log line), and
`on_subgraph_request` sends it to subgraphs as `forward_as`; the key itself never leaves the
gateway (it is not forwarded unless `headers.forward` lists it).

The file holds SHA-256 digests, not keys, and the presented key is looked up by its digest, so
neither the file nor the lookup's timing gives a key away.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gateway.plugins import IncomingRequest, Refuse, SubgraphCall

__all__ = ["ApiKeyAuth", "digest"]

CLIENT = "api_client"
"""The `scope.state` key holding the authenticated client's name."""


def digest(key: str) -> str:
    """What the keys file holds for `key` (`python -c` it to add a client)."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKeyAuth:
    def __init__(self, config: Mapping[str, Any]) -> None:
        self._header = str(config.get("header", "x-api-key")).lower()
        self._forward_as = str(config.get("forward_as", "x-api-client")).lower()
        self._clients = _read_keys(Path(str(config["keys_file"])))

    async def on_request(self, ctx: IncomingRequest) -> None:
        key = ctx.scope.headers.get(self._header)
        if not key:
            raise Refuse(
                f"Authentication required: send your API key in {self._header}.",
                code="UNAUTHENTICATED",
                status=401,
            )
        client = self._clients.get(digest(key))
        if client is None:
            raise Refuse(
                f"The API key in {self._header} is not valid.", code="UNAUTHENTICATED", status=401
            )
        ctx.scope.state[CLIENT] = client

    async def on_subgraph_request(self, ctx: SubgraphCall) -> None:
        client = ctx.scope.state.get(CLIENT) if ctx.scope is not None else None
        if client is not None:
            ctx.headers[self._forward_as] = client


def _read_keys(path: Path) -> dict[str, str]:
    """Digest -> client name; blank lines and `#` comments are skipped."""
    clients: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        parts = text.split()
        if len(parts) != 2 or len(parts[1]) != 64:
            raise ValueError(f"{path}:{number}: expected `client-name sha256-hex`")
        clients[parts[1].lower()] = parts[0]
    return clients

"""The header lines of a subgraph request: the forwarded ones, minus hop-by-hop, plus ours."""

from __future__ import annotations

from collections.abc import Mapping

from gateway.transports.http1 import header_block

__all__ = ["header_bytes"]

_DEFAULT_HEADERS = {
    "user-agent": "python-federation-gateway",
    "accept-encoding": "identity",
}
"""Sent unless a forwarded header says otherwise."""
_JSON_HEADERS = {
    "content-type": "application/json",
    "accept": "application/graphql-response+json, application/json",
}
_NEVER_FORWARDED = frozenset(
    {"host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te",
     "trailer", "expect", "proxy-connection"}
)  # fmt: skip
"""Framing and hop-by-hop headers: the client's values describe its own connection, not ours."""
_PLAIN_HEADERS = header_block({**_DEFAULT_HEADERS, **_JSON_HEADERS}.items())


def header_bytes(headers: Mapping[str, str]) -> bytes:
    """The forwarded headers plus ours, as header lines."""
    if not headers:
        return _PLAIN_HEADERS
    sent = dict(_DEFAULT_HEADERS)
    for name, value in headers.items():
        lowered = name.lower()
        if lowered not in _NEVER_FORWARDED:
            sent[lowered] = value
    sent.update(_JSON_HEADERS)
    return header_block(sent.items())

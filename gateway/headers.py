"""The header policy: which client headers reach subgraphs, and which say who the caller is.

No client header reaches a subgraph unless the deployment lists it (`headers.forward`), as in
Apollo Router and Hive Gateway, so credentials go only where they are needed. The credential
headers identify the caller even when nothing is forwarded: inbound deduplication keys on them
so one client's answer never goes to another.

This is the one implementation of the forwarding rules. `headers.forward` registers it with the
runtime (once per client request, the fast path); the `HeaderRules` plugin
(`gateway/plugins/headers.py`) registers the same policy as an `on_subgraph_request` hook.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["CREDENTIAL_HEADERS", "HeaderPolicy"]

CREDENTIAL_HEADERS = ("authorization", "cookie")


class HeaderPolicy:
    """One gateway's forwarded headers (lowercase names), read once per request."""

    __slots__ = ("forward_headers",)

    def __init__(self, forward_headers: tuple[str, ...]) -> None:
        self.forward_headers = forward_headers

    def forwarded(self, headers: Mapping[str, str]) -> dict[str, str]:
        """The client headers subgraphs get; none unless configured, without a header scan."""
        wanted = self.forward_headers
        if not wanted:
            return {}
        forwarded: dict[str, str] = {}
        for name, value in headers.items():
            lowered = name.lower()
            if lowered in wanted:
                # The first of repeated headers, as authentication reads it: a client must not
                # be verified with one token while another reaches the subgraphs.
                forwarded.setdefault(lowered, value)
        return forwarded

    @staticmethod
    def credentials(headers: Mapping[str, str]) -> tuple[str, ...]:
        """The first value of each credential header ("" when absent), for inbound dedup keys."""
        found: dict[str, str] = {}
        for name, value in headers.items():
            lowered = name.lower()
            if lowered in CREDENTIAL_HEADERS:
                found.setdefault(lowered, value)
        return tuple(found.get(name, "") for name in CREDENTIAL_HEADERS)

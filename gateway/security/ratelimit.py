"""Per-client rate limits: a fixed window of requests per `window` for each client, and
a tighter one for chosen root fields (the Accounts Center's `Mutation.signIn`/`signUp`).

For the request limit a client is the verified token's subject when there is one (so one person
is one client on every device), else the value of the client-id header, else the peer address.
The field limit counts per peer address only: those fields are meant for anonymous callers and
a header would let each guess choose a new identity. Every selection of a limited field counts
(aliases cannot batch guesses into one request). Counters live in the shared store: in memory
for one gateway, in Redis when replicas must share one limit (each window is one `INCRBY` with
an expiry, so replicas never need to talk to each other). Over a limit the request gets 429
RATE_LIMITED with `Retry-After` (and `extensions.retryAfter`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode, SelectionSetNode

from gateway.operation import PreparedOperation
from gateway.security.authentication import Claims
from gateway.stores import KeyValueStore, open_store

__all__ = [
    "CLIENT_ADDRESS_HEADER",
    "RATE_LIMITED",
    "RateLimited",
    "RateLimiter",
    "client_key",
    "count_root_fields",
]

RATE_LIMITED = "RATE_LIMITED"
CLIENT_ADDRESS_HEADER = "x-forwarded-for"
"""Where the gateway puts the client's address for subgraphs (with
`rate_limit.forward_client_address`)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RateLimited:
    client: str
    retry_after: int


def client_key(claims: Claims, headers: Mapping[str, str], header: str, peer: str | None) -> str:
    """Who is asking: token subject, then client-id header, then peer address."""
    if claims.subject is not None:
        return f"sub:{claims.subject}"
    named = headers.get(header, "").strip()
    if named:
        return f"client:{named[:200]}"
    return f"peer:{peer or 'unknown'}"


class RateLimiter:
    """Counts requests (or a cost per request) and says when a client is over its limit."""

    def __init__(
        self,
        limit: int,
        window_seconds: int,
        redis_url: str | None,
        *,
        prefix: str = "gateway:rate:",
        store: KeyValueStore | None = None,
    ) -> None:
        self._limit = limit
        self._window = window_seconds
        self._store = store or open_store(redis_url, prefix)

    async def hit(self, client: str, cost: int = 1, limit: int | None = None) -> RateLimited | None:
        """Count `cost` for `client`; over `limit` (else the limiter's) it is `RateLimited`."""
        window = self._window
        now = time.time()
        started = int(now // window) * window
        count = await self._store.incr(f"{client}:{started}", window + 1, cost)
        if count <= (self._limit if limit is None else limit):
            return None
        return RateLimited(client=client, retry_after=max(1, int(started + window - now) + 1))


def count_root_fields(
    prepared: PreparedOperation, root_type: str, coordinates: frozenset[str]
) -> int:
    """How many times the operation selects one of `coordinates` (`Type.field`) at its root,
    through fragments too."""
    return _count(prepared, prepared.operation.selection_set, root_type, coordinates)


def _count(
    prepared: PreparedOperation,
    selections: SelectionSetNode,
    root_type: str,
    coordinates: frozenset[str],
) -> int:
    count = 0
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            count += f"{root_type}.{selection.name.value}" in coordinates
        elif isinstance(selection, InlineFragmentNode):
            count += _count(prepared, selection.selection_set, root_type, coordinates)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = prepared.fragments.get(selection.name.value)
            if fragment is not None:
                count += _count(prepared, fragment.selection_set, root_type, coordinates)
    return count

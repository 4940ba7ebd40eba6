"""What one attempt at a subgraph request gave, and how the breaker and the retries read it.

`RawAnswer` is what deduplicated waiters share (status and bytes, never decoded dicts);
`Failed` is a failure with its kind. `unavailable` says what the circuit breaker counts,
`retryable` what may be tried again (see `retry.py` for why).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import orjson

from gateway.transports.http1 import ConnectFailed, ConnectionLost, StaleConnection
from gateway.transports.protocol import SubgraphFailure
from gateway.transports.retry import RETRYABLE_STATUSES

__all__ = [
    "Failed",
    "FailureKind",
    "Outcome",
    "RawAnswer",
    "failure_kind",
    "graphql_errors",
    "retryable",
    "unavailable",
]


@dataclass(frozen=True, slots=True)
class RawAnswer:
    """What the subgraph sent, undecoded: the only thing deduplicated waiters may share."""

    status: int
    reason: str | None
    payload: bytes
    cache_control: str | None = None


# A failure is a frozen value with no dicts inside, so it is safe to share as is.
Outcome = RawAnswer | SubgraphFailure


FailureKind = Literal["stale", "connect", "lost", "timeout", "other"]


@dataclass(frozen=True, slots=True)
class Failed:
    """An attempt that failed, and how: what the breaker and the retry rules look at."""

    failure: SubgraphFailure
    kind: FailureKind


def failure_kind(error: Exception) -> FailureKind:
    """What kind of failure a transport error is."""
    if isinstance(error, StaleConnection):
        return "stale"
    if isinstance(error, ConnectFailed):
        return "connect"
    if isinstance(error, ConnectionLost):
        return "lost"
    return "other"


def unavailable(result: Outcome | Failed) -> bool:
    """Whether the attempt says the subgraph is down: the breaker counts these.

    A 5xx that carries GraphQL errors is the subgraph answering (its database is down, say:
    `subgraphs/CONTRACTS.md`, "Outages"), and its code reaches the client as it is; only a 5xx
    without one (a proxy's, or a server that is not a GraphQL server yet) counts.
    """
    if isinstance(result, Failed):
        return result.kind != "other"
    return isinstance(result, RawAnswer) and result.status >= 500 and not graphql_errors(result)


def retryable(result: Outcome | Failed) -> bool:
    """Whether a second try may succeed where this one failed (never a timeout or a 500, nor
    a 503 in which the subgraph explained itself with GraphQL errors)."""
    if isinstance(result, Failed):
        return result.kind in ("stale", "connect", "lost")
    return (
        isinstance(result, RawAnswer)
        and result.status in RETRYABLE_STATUSES
        and not graphql_errors(result)
    )


def graphql_errors(answer: RawAnswer) -> bool:
    """Whether a (non-2xx) answer is a GraphQL response with errors; read only for 5xx."""
    try:
        decoded = orjson.loads(answer.payload)
    except orjson.JSONDecodeError:
        return False
    return isinstance(decoded, dict) and bool(decoded.get("errors"))

"""What the HTTP transport keeps per subgraph: its policy (timeouts, connection limit, breaker
and retry settings) and the live state built from it (the breaker, the retry budget, the
connection slots).

A new supergraph brings new policies only for subgraphs whose settings changed
(`gateway/server/state.py`), so a reload keeps a subgraph's breaker and budget as they were.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from gateway.transports.breaker import BreakerSettings, CircuitBreaker
from gateway.transports.protocol import SubgraphFailure
from gateway.transports.retry import RetryBudget, RetrySettings

__all__ = ["SUBGRAPH_CIRCUIT_OPEN", "SubgraphGuard", "SubgraphPolicy", "circuit_open"]

SUBGRAPH_CIRCUIT_OPEN = "SUBGRAPH_CIRCUIT_OPEN"


@dataclass(frozen=True, slots=True, kw_only=True)
class SubgraphPolicy:
    """How one subgraph is called."""

    timeout: float = 30.0
    """Seconds for the whole fetch, retries and their backoff included."""
    connect_timeout: float | None = 2.0
    max_connections: int = 256
    """Requests in flight to this subgraph at once (one connection each); more wait, within
    their timeout, so one slow subgraph cannot take every connection of the pool."""
    breaker: BreakerSettings = field(default_factory=BreakerSettings)
    retry: RetrySettings = field(default_factory=RetrySettings)


class SubgraphGuard:
    """The live state for one subgraph's policy."""

    def __init__(self, policy: SubgraphPolicy) -> None:
        self.policy = policy
        self.breaker = CircuitBreaker(policy.breaker)
        self.budget = RetryBudget(policy.retry)
        self.slots = asyncio.Semaphore(policy.max_connections)


def circuit_open(service_name: str, retry_in: float) -> SubgraphFailure:
    """The failure a fetch gets, without a network call, while the subgraph's circuit is open."""
    return SubgraphFailure(
        message=f"Subgraph '{service_name}' is failing; the gateway stopped calling it for now "
        f"(circuit open, next probe in {retry_in:.1f}s)",
        code=SUBGRAPH_CIRCUIT_OPEN,
    )

"""Retries of subgraph queries: which failures, how long to wait, and how many in all.

Why each rule:
- Only queries, never mutations: a mutation that failed on the way back may have run, and
  running it twice is worse than an error.
- Only failures a second try can fix: the connection was refused, reset or lost, or the
  subgraph (or a proxy before it) answered 502, 503 or 504. A timeout is not retried (the
  subgraph's time is spent), nor a 500 (the same query fails the same way).
- Fully jittered exponential backoff (Envoy's: a random wait below `base * 2**n`, at most
  `max`), so the retries of many requests do not arrive together.
- A budget per subgraph, as Linkerd's and Finagle's (and Apollo Router's): retries may be at
  most `ratio` of the requests of the last `window` seconds, plus `min_per_second` so that a
  quiet gateway can still retry. When a subgraph is down, retries then add at most 20% to its
  load instead of multiplying it by the number of attempts.
- Bounded by time: a retry starts only if its backoff ends before the subgraph's timeout and the
  request's deadline (`REQUEST_DEADLINE`, set by the executor for the request it runs).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from gateway.transports.breaker import RollingCounts

__all__ = ["REQUEST_DEADLINE", "RETRYABLE_STATUSES", "RetryBudget", "RetrySettings", "backoff"]

REQUEST_DEADLINE: ContextVar[float | None] = ContextVar("gateway_request_deadline", default=None)
"""The event-loop time by which the client's request must be answered, while one runs."""
RETRYABLE_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True, slots=True, kw_only=True)
class RetrySettings:
    """How one subgraph's queries are retried (defaults: see the README)."""

    max_retries: int = 2
    budget_ratio: float = 0.2
    min_per_second: int = 10
    budget_window: float = 10.0
    backoff_base: float = 0.025
    backoff_max: float = 0.25


def backoff(
    retry: int, settings: RetrySettings, draw: Callable[[], float] = random.random
) -> float:
    """Seconds to wait before retry number `retry` (0 for the first): full jitter."""
    ceiling = min(settings.backoff_max, settings.backoff_base * (1 << retry))
    return draw() * ceiling


class RetryBudget:
    """Retries a subgraph may still get: `deposit()` per request, `withdraw()` per retry."""

    def __init__(self, settings: RetrySettings, clock: Callable[[], float] = time.monotonic):
        self._settings = settings
        self._counts = RollingCounts(settings.budget_window, clock)
        self._reserve = settings.min_per_second * settings.budget_window

    def deposit(self) -> None:
        self._counts.add(first=1)

    def withdraw(self) -> bool:
        """Take one retry from the budget, or False when it is spent."""
        requests, retries = self._counts.totals()
        if retries + 1 > self._reserve + self._settings.budget_ratio * requests:
            return False
        self._counts.add(second=1)
        return True

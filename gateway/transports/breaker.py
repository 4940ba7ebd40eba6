"""A circuit breaker per subgraph: stop calling a subgraph that keeps failing, probe it later.

Why: a subgraph that is down makes every fetch to it wait for a connection error or, worse, its
whole timeout; meanwhile the gateway's requests pile up and its clients wait. With the circuit
open a fetch fails at once with `SUBGRAPH_CIRCUIT_OPEN` (partial data, no network call), and
the subgraph gets time to recover instead of a queue of retries.

The rules, as in Envoy's outlier detection (consecutive failures) and Hystrix (failure rate in
a rolling window with a minimum volume, then a sleep window and one probe):
- closed: requests pass. It opens after `consecutive_failures` failures in a row, or when at
  least `minimum_requests` were made in the last `window` seconds and `failure_rate` percent
  of them failed.
- open: requests are refused until `cooldown` seconds have passed.
- half-open: the first request after the cool-down is let through as a probe; others are
  refused until it ends. Its success closes the circuit, its failure opens it again.
A failure is what says the subgraph is unavailable: a connection error, a timeout or a 5xx;
a GraphQL error in a 200 answer is the subgraph working.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

__all__ = ["BreakerSettings", "CircuitBreaker", "RollingCounts"]

State = Literal["closed", "open", "half_open"]
Clock = Callable[[], float]


@dataclass(frozen=True, slots=True, kw_only=True)
class BreakerSettings:
    """When a subgraph's circuit opens and for how long (defaults: see the README)."""

    consecutive_failures: int = 5
    """0: never on a run of failures."""
    failure_rate: int = 50
    """Percent; 0: never on the rate."""
    minimum_requests: int = 20
    window: float = 10.0
    cooldown: float = 5.0


class RollingCounts:
    """Counts of two things (requests and failures, or requests and retries) over the last
    `window` seconds, in one-second buckets: O(1) per event, memory bounded by the window."""

    def __init__(self, window: float, clock: Clock = time.monotonic) -> None:
        self._size = max(1, round(window))
        self._clock = clock
        self._stamps = [-1] * self._size
        self._first = [0] * self._size
        self._second = [0] * self._size

    def add(self, first: int = 0, second: int = 0) -> None:
        now = int(self._clock())
        slot = now % self._size
        if self._stamps[slot] != now:
            self._stamps[slot], self._first[slot], self._second[slot] = now, 0, 0
        self._first[slot] += first
        self._second[slot] += second

    def totals(self) -> tuple[int, int]:
        """(first, second) summed over the buckets still inside the window."""
        oldest = int(self._clock()) - self._size
        first = second = 0
        for slot, stamp in enumerate(self._stamps):
            if stamp > oldest:
                first += self._first[slot]
                second += self._second[slot]
        return first, second

    def clear(self) -> None:
        self._stamps = [-1] * self._size


class CircuitBreaker:
    """One subgraph's circuit; `allow()` before a request, `record()` after it."""

    def __init__(self, settings: BreakerSettings, clock: Clock = time.monotonic) -> None:
        self._settings = settings
        self._clock = clock
        self._counts = RollingCounts(settings.window, clock)
        self._consecutive = 0
        self._opened_at = 0.0
        self._probing = False
        self.state: State = "closed"

    def allow(self) -> bool:
        """Whether a request may go now; in half-open, True once, for the probe."""
        if self.state == "closed":
            return True
        if self.state == "open":
            if self._clock() - self._opened_at < self._settings.cooldown:
                return False
            self.state = "half_open"
        if self._probing:
            return False
        self._probing = True
        return True

    def retry_in(self) -> float:
        """Seconds until an open circuit lets a probe through (0 when not open)."""
        if self.state != "open":
            return 0.0
        return max(0.0, self._settings.cooldown - (self._clock() - self._opened_at))

    def record(self, failed: bool) -> None:
        """The outcome of a request `allow()` let through."""
        if self.state == "half_open":
            self._probing = False
            if failed:
                self._open()
            else:
                self._close()
            return
        if self.state == "open":  # a request sent before the circuit opened
            return
        self._counts.add(1, 1 if failed else 0)
        self._consecutive = self._consecutive + 1 if failed else 0
        if failed and self._tripped():
            self._open()

    def abandon(self) -> None:
        """A request `allow()` let through ended without an outcome (it was cancelled)."""
        if self.state == "half_open":
            self._probing = False

    def _tripped(self) -> bool:
        settings = self._settings
        if settings.consecutive_failures and self._consecutive >= settings.consecutive_failures:
            return True
        if not settings.failure_rate:
            return False
        requests, failures = self._counts.totals()
        return (
            requests >= settings.minimum_requests
            and failures * 100 >= settings.failure_rate * requests
        )

    def _open(self) -> None:
        self.state = "open"
        self._opened_at = self._clock()
        self._consecutive = 0
        self._counts.clear()

    def _close(self) -> None:
        self.state = "closed"
        self._consecutive = 0
        self._counts.clear()

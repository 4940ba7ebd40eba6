"""The circuit breaker's states on a clock the test moves: open, cool-down, one probe, close."""

from __future__ import annotations

from typing import Any

from gateway.transports.breaker import BreakerSettings, CircuitBreaker, RollingCounts


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def state_of(circuit: CircuitBreaker) -> str:
    """The state as a plain string: mypy would keep an earlier assertion's narrowing."""
    return str(circuit.state)


def breaker(clock: Clock, **settings: Any) -> CircuitBreaker:
    return CircuitBreaker(BreakerSettings(**settings), clock)


def test_consecutive_failures_open_the_circuit_and_a_success_resets_the_count() -> None:
    circuit = breaker(Clock(), consecutive_failures=3, failure_rate=0)
    for failed in (True, True, False, True, True):
        assert circuit.allow()
        circuit.record(failed)
    assert state_of(circuit) == "closed"
    circuit.record(True)
    assert state_of(circuit) == "open"
    assert not circuit.allow()


def test_after_the_cool_down_one_probe_goes_through_and_its_success_closes() -> None:
    clock = Clock()
    circuit = breaker(clock, consecutive_failures=1, cooldown=5.0)
    circuit.record(True)
    assert not circuit.allow()
    assert circuit.retry_in() == 5.0
    clock.now += 5.0
    assert circuit.allow()  # the probe
    assert state_of(circuit) == "half_open"
    assert not circuit.allow()  # nobody else while it runs
    circuit.record(False)
    assert state_of(circuit) == "closed"
    assert circuit.allow()
    assert circuit.allow()


def test_a_failed_probe_opens_the_circuit_for_another_cool_down() -> None:
    clock = Clock()
    circuit = breaker(clock, consecutive_failures=1, cooldown=2.0)
    circuit.record(True)
    clock.now += 2.0
    assert circuit.allow()
    circuit.record(True)
    assert state_of(circuit) == "open"
    clock.now += 1.0
    assert not circuit.allow()
    clock.now += 1.0
    assert circuit.allow()


def test_an_abandoned_probe_lets_the_next_request_probe() -> None:
    clock = Clock()
    circuit = breaker(clock, consecutive_failures=1, cooldown=1.0)
    circuit.record(True)
    clock.now += 1.0
    assert circuit.allow()
    circuit.abandon()  # cancelled: no outcome
    assert circuit.allow()


def test_the_failure_rate_opens_only_past_the_minimum_volume() -> None:
    clock = Clock()
    circuit = breaker(clock, consecutive_failures=0, failure_rate=50, minimum_requests=10)
    for index in range(9):
        circuit.record(index % 2 == 0)  # 5 of 9 failed: over 50%, but too few requests
    assert state_of(circuit) == "closed"
    circuit.record(True)  # 6 of 10
    assert state_of(circuit) == "open"


def test_old_failures_leave_the_window() -> None:
    clock = Clock()
    circuit = breaker(clock, consecutive_failures=0, failure_rate=50, minimum_requests=4)
    circuit.record(True)
    circuit.record(True)
    circuit.record(True)
    clock.now += 11.0  # the 10 s window has moved past them
    circuit.record(True)
    circuit.record(False)
    circuit.record(False)
    assert state_of(circuit) == "closed"


def test_rolling_counts_sum_the_buckets_inside_the_window() -> None:
    clock = Clock()
    counts = RollingCounts(3.0, clock)
    counts.add(1, 0)
    clock.now += 1
    counts.add(2, 1)
    assert counts.totals() == (3, 1)
    clock.now += 2
    assert counts.totals() == (2, 1)
    clock.now += 1
    assert counts.totals() == (0, 0)

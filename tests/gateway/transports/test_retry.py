"""Retry budget and backoff: a retry ratio plus a floor per second, fully jittered waits."""

from __future__ import annotations

from gateway.transports.retry import RetryBudget, RetrySettings, backoff


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def test_the_budget_allows_the_ratio_of_requests_plus_the_reserve() -> None:
    clock = Clock()
    budget = RetryBudget(RetrySettings(budget_ratio=0.2, min_per_second=0), clock)
    for _ in range(10):
        budget.deposit()
    assert budget.withdraw()
    assert budget.withdraw()
    assert not budget.withdraw()  # 2 of 10 requests: spent
    for _ in range(5):
        budget.deposit()
    assert budget.withdraw()
    assert not budget.withdraw()


def test_the_reserve_lets_a_quiet_subgraph_retry() -> None:
    clock = Clock()
    budget = RetryBudget(RetrySettings(min_per_second=1, budget_window=3.0), clock)
    assert [budget.withdraw() for _ in range(4)] == [True, True, True, False]
    clock.now += 4  # the retries have left the window
    assert budget.withdraw()


def test_backoff_is_fully_jittered_under_a_doubling_ceiling() -> None:
    settings = RetrySettings(backoff_base=0.025, backoff_max=0.25)
    assert backoff(0, settings, lambda: 1.0) == 0.025
    assert backoff(2, settings, lambda: 1.0) == 0.1
    assert backoff(10, settings, lambda: 1.0) == 0.25
    assert backoff(3, settings, lambda: 0.5) == 0.1
    assert backoff(3, settings, lambda: 0.0) == 0.0

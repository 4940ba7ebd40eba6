"""The guard remembers document checks per (document, operation name), never per-request ones."""

from __future__ import annotations

import pytest

from gateway.lru import Lru, Missing
from gateway.security import guard as guard_module
from gateway.security.authentication import Claims
from gateway.security.guard import Refusal, SecurityGuard
from gateway.security.limits import MAX_DEPTH_EXCEEDED, MAX_TOKENS_EXCEEDED, check_tokens
from gateway.security.ratelimit import RATE_LIMITED
from gateway.security.settings import AuthConfig, OperationLimits, RateLimitConfig, SecurityConfig

DEEP = "query Deep { a { b { c { d } } } } query Flat { a }"


def make_guard(
    *, max_depth: int = 3, max_tokens: int = 100, rate: RateLimitConfig | None = None
) -> SecurityGuard:
    limits = OperationLimits(max_depth=max_depth, max_tokens=max_tokens)
    return SecurityGuard(AuthConfig(), limits, SecurityConfig(), rate_limit=rate)


@pytest.fixture
def lexed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every document the guard runs the token lexer on."""
    seen: list[str] = []

    def counting(query: str, max_tokens: int) -> object:
        seen.append(query)
        return check_tokens(query, max_tokens)

    monkeypatch.setattr(guard_module, "check_tokens", counting)
    return seen


async def test_a_repeated_document_is_measured_once(lexed: list[str]) -> None:
    guard = make_guard()
    first = await guard.check({}, DEEP, "Deep")
    second = await guard.check({}, DEEP, "Deep")
    assert isinstance(first, Refusal)
    assert first.code == MAX_DEPTH_EXCEEDED
    assert second == first
    assert lexed == [DEEP]
    # The operation name is part of the key: the other operation has its own verdict.
    assert isinstance(await guard.check({}, DEEP, "Flat"), Claims)
    assert isinstance(await guard.check({}, DEEP, "Flat"), Claims)
    assert lexed == [DEEP, DEEP]


async def test_each_guard_applies_its_own_limits(lexed: list[str]) -> None:
    assert isinstance(await make_guard(max_depth=3).check({}, DEEP, "Deep"), Refusal)
    assert isinstance(await make_guard(max_depth=10).check({}, DEEP, "Deep"), Claims)


async def test_documents_over_the_token_limit_are_not_remembered(lexed: list[str]) -> None:
    guard = make_guard(max_tokens=5)
    for _ in range(2):
        refused = await guard.check({}, DEEP, "Deep")
        assert isinstance(refused, Refusal)
        assert refused.code == MAX_TOKENS_EXCEEDED
    assert lexed == [DEEP, DEEP]
    assert len(guard._checked) == 0


async def test_the_rate_limit_still_runs_on_every_request() -> None:
    guard = make_guard(rate=RateLimitConfig(requests=2, window_seconds=60))
    query = "{ a }"
    assert isinstance(await guard.check({}, query, None, peer="1.2.3.4"), Claims)
    assert isinstance(await guard.check({}, query, None, peer="1.2.3.4"), Claims)
    limited = await guard.check({}, query, None, peer="1.2.3.4")
    assert isinstance(limited, Refusal)
    assert limited.code == RATE_LIMITED


def test_the_lru_evicts_the_least_recently_used() -> None:
    lru: Lru[str, int | None] = Lru(2)
    lru.put("a", 1)
    lru.put("b", None)
    assert lru.get("a") == 1  # "b" is now the oldest
    lru.put("c", 3)
    assert isinstance(lru.get("b"), Missing)
    assert lru.get("a") == 1
    assert lru.get("c") == 3
    assert len(lru) == 2

"""The byte-bounded LRU: eviction by weight, least recently used first."""

from __future__ import annotations

from gateway.lru import Lru, Missing


def test_the_least_recently_used_leave_until_the_weight_fits() -> None:
    lru: Lru[str, int | None] = Lru(100)
    assert lru.put("a", 1, 25)
    assert lru.put("b", None, 25)
    assert lru.put("c", 3, 25)
    assert lru.put("d", 4, 25)
    assert lru.get("a") == 1  # "b" is now the oldest
    assert lru.put("e", 5, 10)  # 110 > 100: "b" leaves
    assert isinstance(lru.get("b"), Missing)
    assert [lru.get(k) for k in "acde"] == [1, 3, 4, 5]
    assert lru.weight == 85
    assert len(lru) == 4


def test_a_cached_none_is_not_a_miss() -> None:
    lru: Lru[str, int | None] = Lru(100)
    lru.put("a", None, 1)
    assert lru.get("a") is None
    assert isinstance(lru.get("b"), Missing)


def test_a_value_over_a_quarter_of_the_budget_is_never_kept() -> None:
    lru: Lru[str, int] = Lru(100)
    lru.put("small", 1, 10)
    assert not lru.put("big", 2, 26)
    assert isinstance(lru.get("big"), Missing)
    assert lru.get("small") == 1  # and nothing was evicted for it


def test_replacing_a_key_counts_its_weight_once() -> None:
    lru: Lru[str, int] = Lru(100)
    lru.put("a", 1, 20)
    lru.put("a", 2, 10)
    assert lru.weight == 10
    assert lru.get("a") == 2


def test_growing_counts_and_can_evict() -> None:
    lru: Lru[str, int] = Lru(100)
    for key in "abcd":
        lru.put(key, 0, 25)
    lru.grow("d", 20)  # 120: "a" leaves
    assert isinstance(lru.get("a"), Missing)
    assert lru.weight == 95
    lru.grow("gone", 1000)  # a key no longer held: nothing to count
    assert lru.weight == 95


def test_a_full_budget_keeps_everything_until_it_is_exceeded() -> None:
    lru: Lru[str, int] = Lru(100)
    for key in "abcd":
        assert lru.put(key, 0, 25)  # exactly a quarter is within the share
    assert lru.weight == 100  # at the budget, not over it: all four stay
    assert len(lru) == 4
    assert lru.put("e", 0, 1)  # 101: the least recently used ("a") leaves
    assert isinstance(lru.get("a"), Missing)
    assert (len(lru), lru.weight) == (4, 76)


def test_an_empty_budget_keeps_nothing() -> None:
    lru: Lru[str, int] = Lru(0)
    assert not lru.put("a", 1, 1)
    assert lru.put("weightless", 1, 0)  # weight 0 is within any share
    assert lru.get("weightless") == 1

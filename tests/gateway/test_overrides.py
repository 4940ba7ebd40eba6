"""Progressive override labels decided per request (`gateway/overrides.py`)."""

from __future__ import annotations

import itertools

import pytest

from gateway.overrides import LabelRule, OverridePolicy, OverrideSettings, percent_of


@pytest.mark.parametrize(
    ("label", "share"),
    [
        ("percent(25)", 25.0),
        ("percent( 0.5 )", 0.5),
        ("percent(100)", 100.0),
        ("percent(0)", 0.0),
        ("percent(12.12345678)", 12.12345678),
        ("percent(101)", None),
        ("percent(1.123456789)", None),
        ("percent(-1)", None),
        ("beta", None),
        ("percent(5", None),
    ],
)
def test_percent_labels_are_read_as_the_spec_writes_them(label: str, share: float | None) -> None:
    assert percent_of(label) == share


def test_without_labels_every_request_gets_the_same_empty_set() -> None:
    policy = OverridePolicy([])
    assert policy.constant
    assert policy.decide({"x-anything": "1"}) == frozenset()


def test_percent_100_is_always_on_and_percent_0_never() -> None:
    policy = OverridePolicy(["percent(100)", "percent(0)"], OverrideSettings(draw=lambda: 0.0))
    assert policy.constant
    assert policy.decide({}) == {"percent(100)"}


def test_a_percent_label_is_drawn_for_each_request() -> None:
    draws = itertools.cycle([0.10, 0.30, 0.24999, 0.9])
    policy = OverridePolicy(["percent(25)"], OverrideSettings(draw=lambda: next(draws)))
    assert not policy.constant
    decided = [policy.decide({}) for _ in range(4)]
    assert decided == [{"percent(25)"}, frozenset(), {"percent(25)"}, frozenset()]


def test_percent_labels_are_drawn_independently() -> None:
    draws = iter([0.05, 0.5])  # sorted label order: percent(10), then percent(60)
    policy = OverridePolicy(
        ["percent(60)", "percent(10)"], OverrideSettings(draw=lambda: next(draws))
    )
    assert policy.decide({}) == {"percent(10)", "percent(60)"}


def test_the_share_of_requests_follows_the_percentage() -> None:
    import random

    seeded = random.Random(7)
    policy = OverridePolicy(["percent(30)"], OverrideSettings(draw=seeded.random))
    on = sum(bool(policy.decide({})) for _ in range(10_000))
    assert 2_800 < on < 3_200


def test_custom_labels_are_off_unless_a_rule_turns_them_on() -> None:
    rules = {
        "beta": LabelRule(header="x-beta", values=frozenset({"1", "true"})),
        "canary": LabelRule(header="x-canary"),
    }
    policy = OverridePolicy(["beta", "canary", "other"], OverrideSettings(rules=rules))
    assert policy.decide({}) == frozenset()
    assert policy.decide({"x-beta": "true"}) == {"beta"}
    assert policy.decide({"x-beta": "no"}) == frozenset()
    assert policy.decide({"x-canary": "anything", "x-beta": "1"}) == {"beta", "canary"}
    assert policy.decide({"x-canary": ""}) == frozenset()


def test_a_rule_for_a_label_the_supergraph_lacks_or_a_percent_label_does_nothing() -> None:
    rules = {
        "gone": LabelRule(header="x-gone"),
        "percent(10)": LabelRule(header="x-force"),
    }
    policy = OverridePolicy(["percent(10)"], OverrideSettings(rules=rules, draw=lambda: 0.99))
    assert policy.decide({"x-gone": "1", "x-force": "1"}) == frozenset()


def test_a_hook_turns_on_custom_labels_only() -> None:
    def hook(headers: object) -> list[str]:
        return ["beta", "percent(50)", "unknown"]

    policy = OverridePolicy(["beta", "percent(50)"], OverrideSettings(hook=hook, draw=lambda: 0.99))
    assert not policy.constant
    assert policy.decide({}) == {"beta"}

"""Progressive `@override(label:)`: which labels are on, decided for each request.

Federation 2.7 lets a subgraph take a field over gradually: `@override(from: "old", label:
"percent(10)")` sends the field to the new subgraph for 10% of requests, and any other label
(`"beta-billing"`) is a switch the gateway turns on when it chooses. As in Apollo Router and Hive
Router, the draw is made per request, not once at start-up: each `percent(N)` label is on with
probability N% for this request alone, independently of the others.

Custom labels are off unless a deployment says how a request turns them on:
- a header rule (`overrides.labels` in the settings): the label is on when the request carries
  that header, with one of the listed values (any non-empty value if none are listed). Only
  labels a deployment lists can be switched this way, so a client cannot reroute fields the
  deployment did not mean to expose;
- a Python hook (`GatewayOptions.override_hook`) that gets the request's headers and returns
  the labels to turn on (a plugin's feature flags, a user's cohort...).

The decision is a frozenset of the supergraph's labels that are on; the runtime keeps one plan
per such set, so a supergraph with k labels has at most 2^k plans per document (in practice a
handful: labels are few and short-lived).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

__all__ = [
    "LabelRule",
    "OverrideHook",
    "OverridePolicy",
    "OverrideSettings",
    "percent_of",
]

OverrideHook = Callable[[Mapping[str, str]], Iterable[str]]
"""Headers (lower-case names) in, labels to turn on out."""

_PERCENT = re.compile(r"percent\(\s*(\d{1,3}(?:\.\d{1,8})?)\s*\)")


def percent_of(label: str) -> float | None:
    """N for a `percent(N)` label (0 to 100, up to 8 decimals, as the spec allows), else None."""
    match = _PERCENT.fullmatch(label.strip())
    if match is None:
        return None
    value = float(match.group(1))
    return value if value <= 100 else None


@dataclass(frozen=True, slots=True)
class LabelRule:
    """A custom label is on when the request has `header` with one of `values` (any if empty)."""

    header: str
    values: frozenset[str] = frozenset()

    def matches(self, headers: Mapping[str, str]) -> bool:
        value = headers.get(self.header)
        if not value:
            return False
        return not self.values or value.strip() in self.values


@dataclass(frozen=True, slots=True, kw_only=True)
class OverrideSettings:
    """How custom labels are turned on; `percent(N)` labels need no settings."""

    rules: Mapping[str, LabelRule] = field(default_factory=dict)
    hook: OverrideHook | None = None
    draw: Callable[[], float] = random.random
    """The random source for `percent(N)` labels: a float in [0, 1); tests pass a seeded one."""


class OverridePolicy:
    """Decides, for each request, which of the supergraph's override labels are on."""

    def __init__(
        self,
        labels: Iterable[str],
        settings: OverrideSettings | None = None,
    ) -> None:
        self._settings = settings or OverrideSettings()
        self._draw = self._settings.draw
        self.labels = frozenset(labels)
        always: set[str] = set()
        self._percent: list[tuple[str, float]] = []
        custom: list[str] = []
        for label in sorted(self.labels):
            share = percent_of(label)
            if share is None:
                custom.append(label)
            elif share >= 100:
                always.add(label)
            elif share > 0:
                self._percent.append((label, share / 100))
        self._always = frozenset(always)
        self._rules = [
            (label, rule) for label, rule in self._settings.rules.items() if label in custom
        ]
        self._custom = frozenset(custom)
        self.constant = not self._percent and not self._rules and self._settings.hook is None
        """True when every request gets the same labels (the common case: no labels at all)."""

    def decide(self, headers: Mapping[str, str]) -> frozenset[str]:
        """The labels on for one request (`headers` with lower-case names)."""
        if self.constant:
            return self._always
        on = set(self._always)
        for label, share in self._percent:
            if self._draw() < share:
                on.add(label)
        for label, rule in self._rules:
            if rule.matches(headers):
                on.add(label)
        hook = self._settings.hook
        if hook is not None:
            on.update(label for label in hook(headers) if label in self._custom)
        return frozenset(on)

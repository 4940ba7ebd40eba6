"""Progressive `@override(label:)` decided per request, against real subgraphs.

`feature_subgraphs.mjs` serves two subgraphs, `old` and `new`, that answer different prices for
the same products; `price` moves to `new` under a label. Which subgraph answers is visible both
in the answer and in each subgraph's request count.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Mapping

import pytest

from devstack.processes import Service
from gateway.documents import Runnable
from gateway.overrides import LabelRule, OverrideSettings
from gateway.runtime import Gateway, GatewayOptions
from gateway.transports import HttpTransport, HttpTransportOptions
from tests.gateway.e2e.e2e_support import run
from tests.gateway.e2e.feature_support import Feature, get_json

pytestmark = [pytest.mark.node, pytest.mark.integration]

QUERY = "{ products { id price } }"
OLD = {"data": {"products": [{"id": "p1", "price": 1}, {"id": "p2", "price": 2}]}}
NEW = {"data": {"products": [{"id": "p1", "price": 100}, {"id": "p2", "price": 200}]}}


@pytest.fixture
async def transports() -> AsyncIterator[list[HttpTransport]]:
    made: list[HttpTransport] = []
    yield made
    for transport in made:
        await transport.close()


def _gateway(feature: Feature, settings: OverrideSettings, made: list[HttpTransport]) -> Gateway:
    urls = {name: info.url for name, info in feature.supergraph.subgraphs.items()}
    transport = HttpTransport(HttpTransportOptions(urls=urls))
    made.append(transport)
    return Gateway(feature.supergraph, transport, GatewayOptions(overrides=settings))


def _counts(server: Service, feature: str) -> dict[str, int]:
    counts: dict[str, int] = get_json(f"{server.url}/counts")
    return {name: counts.get(f"{feature}/{name}", 0) for name in ("old", "new")}


@pytest.fixture
def draws() -> list[float]:
    return [0.10, 0.90, 0.49, 0.51, 0.0, 0.99]


async def test_a_percent_label_is_drawn_for_every_request(
    feature_server: Service,
    features: dict[str, Feature],
    transports: list[HttpTransport],
    draws: list[float],
) -> None:
    source = itertools.cycle(draws)
    gateway = _gateway(
        features["overrideProgressive"], OverrideSettings(draw=lambda: next(source)), transports
    )
    before = _counts(feature_server, "overrideProgressive")
    answers = [await run(gateway, QUERY) for _ in range(12)]
    after = _counts(feature_server, "overrideProgressive")
    expected = [NEW if draw < 0.5 else OLD for draw in draws] * 2
    assert answers == expected
    # `old` answers every root field; `new` only the requests drawn under the label.
    assert after["old"] - before["old"] == 12
    assert after["new"] - before["new"] == 6


async def test_each_label_set_is_planned_once_per_document(
    features: dict[str, Feature], transports: list[HttpTransport]
) -> None:
    source = itertools.cycle([0.1, 0.9])
    gateway = _gateway(
        features["overrideProgressive"], OverrideSettings(draw=lambda: next(source)), transports
    )
    for _ in range(6):
        await run(gateway, QUERY)
    document = gateway.documents.get(QUERY, None)
    runnable = gateway.validated(document)
    assert isinstance(runnable, Runnable)
    assert set(runnable.plans_by_labels) == {frozenset(), frozenset({"percent(50)"})}


async def test_a_custom_label_follows_the_header_rule(
    feature_server: Service, features: dict[str, Feature], transports: list[HttpTransport]
) -> None:
    rules = {"beta": LabelRule(header="x-beta", values=frozenset({"on"}))}
    gateway = _gateway(features["overrideLabel"], OverrideSettings(rules=rules), transports)
    assert await run(gateway, QUERY) == OLD
    assert await run(gateway, QUERY, headers={"x-beta": "on"}) == NEW
    assert await run(gateway, QUERY, headers={"x-beta": "off"}) == OLD


async def test_a_custom_label_is_off_without_a_rule_or_hook(
    features: dict[str, Feature], transports: list[HttpTransport]
) -> None:
    gateway = _gateway(features["overrideLabel"], OverrideSettings(), transports)
    assert await run(gateway, QUERY, headers={"x-beta": "on"}) == OLD


async def test_a_hook_turns_a_custom_label_on(
    features: dict[str, Feature], transports: list[HttpTransport]
) -> None:
    def cohort(headers: Mapping[str, str]) -> list[str]:
        return ["beta"] if headers.get("x-user") == "tester" else []

    gateway = _gateway(features["overrideLabel"], OverrideSettings(hook=cohort), transports)
    assert await run(gateway, QUERY, headers={"x-user": "tester"}) == NEW
    assert await run(gateway, QUERY, headers={"x-user": "someone"}) == OLD

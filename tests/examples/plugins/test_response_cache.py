"""The example response cache: one operation's subgraph answers kept, bounded, per caller."""

from __future__ import annotations

from examples.plugins.response_cache import ResponseCache
from tests.gateway.plugins.plugged_app import ask, people_transport, plugged_app


async def test_the_operation_is_answered_from_the_cache_and_others_are_not() -> None:
    transport = people_transport()
    cache = ResponseCache({"operation": "Names", "max_entries": 8, "ttl": 60})
    app = plugged_app([cache], transport)
    first = await ask(app, "query Names { people { name } }")
    second = await ask(app, "query Names { people { name } }")
    assert (
        first[2]
        == second[2]
        == {"data": {"people": [{"name": "Ada Lovelace"}, {"name": "Grace Hopper"}]}}
    )
    assert transport.count("people") == 1
    assert cache.hits == 1
    await ask(app, "query Other { people { name } }")
    await ask(app, "query Other { people { name } }")
    assert transport.count("people") == 3


async def test_callers_with_other_forwarded_headers_do_not_share_entries() -> None:
    transport = people_transport()
    cache = ResponseCache({"operation": "Names"})
    app = plugged_app([cache], transport, **{"headers.forward": "authorization"})
    query = "query Names { people { name } }"
    for token in ("Bearer a", "Bearer b", "Bearer a"):
        await ask(app, query, headers={"authorization": token})
    assert transport.count("people") == 2


async def test_entries_are_bounded_and_expire() -> None:
    transport = people_transport()
    bounded = plugged_app([ResponseCache({"operation": "Names", "max_entries": 1})], transport)
    for name in ("name", "id", "name"):  # two queries alternating through one entry
        await ask(bounded, f"query Names {{ people {{ {name} }} }}")
    assert transport.count("people") == 3
    expired = plugged_app([ResponseCache({"operation": "Names", "ttl": 0})], transport)
    for _ in range(2):
        await ask(expired, "query Names { people { name } }")
    assert transport.count("people") == 5


async def test_answers_with_errors_are_not_kept() -> None:
    transport = people_transport()
    app = plugged_app([ResponseCache({"operation": "Boom"})], transport)
    for _ in range(2):
        _, _, body = await ask(app, "query Boom { boom }")
        assert body["errors"]
    assert transport.count("people") == 2

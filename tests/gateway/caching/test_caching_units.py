"""The entity cache's parts on their own: Cache-Control, shapes, keys and tags, the memory
store, invalidation bodies, the settings, and nothing built when it is off."""

from __future__ import annotations

import asyncio

import pytest

from gateway.caching import CachingTransport, parse_invalidations
from gateway.caching.control import Storability, read_cache_control
from gateway.caching.invalidation import InvalidRequest
from gateway.caching.keys import interpolate, key_hash
from gateway.caching.shapes import query_shape
from gateway.caching.storage import CacheEntry, MemoryCacheStorage
from gateway.caching.subject import SubjectRule
from gateway.config import ConfigError, load_config
from gateway.server.app import create_app
from gateway.supergraph import Supergraph, load_supergraph
from tests.gateway.server.server_support import people_supergraph


@pytest.mark.parametrize(
    ("header", "credentials", "expected"),
    [
        (None, False, Storability(30, False)),
        (None, True, Storability(30, True)),
        ("max-age=5", True, Storability(5, False)),
        ("public, max-age=5, s-maxage=9", False, Storability(9, False)),
        ("private, max-age=5, s-maxage=9", False, Storability(5, True)),
        ("no-store", False, Storability(0, False)),
        ("max-age=bogus", False, Storability(0, False)),
    ],
)
def test_cache_control(header: str | None, credentials: bool, expected: Storability) -> None:
    assert read_cache_control(header, 30, credentials) == expected


def test_shapes_tell_entity_fetches_from_root_queries_and_the_rest() -> None:
    batch = query_shape(
        "query($a: [_Any!]!, $b: [_Any!]!, $n: Int) { x: _entities(representations: $a)"
        " { ... on U { f(n: $n) } } y: _entities(representations: $b) { ... on U { f(n: $n) } } }"
    )
    assert [(e.response_key, e.variable, e.reads) for e in batch.entities] == [
        ("x", "a", ("n",)),
        ("y", "b", ("n",)),
    ]
    assert batch.entities[0].selection == batch.entities[1].selection  # aliases aside
    assert [r.name for r in query_shape('{ me { id } user(id: "1") { id } }').roots] == [
        "me",
        "user",
    ]
    for other in ("mutation { m }", "subscription { s }", "{ __schema { types { name } } }", "{"):
        shape = query_shape(other)
        assert not shape.entities
        assert not shape.roots


def test_tags_interpolate_keys_and_arguments() -> None:
    assert interpolate("user-{$key.id}", "key", {"id": "u1"}) == "user-u1"
    assert interpolate("p-{$key.sku.code}-{$key.n}", "key", {"sku": {"code": "a"}, "n": 2}) == (
        "p-a-2"
    )
    assert interpolate("user-{$args.id}", "key", {"id": "u1"}) is None  # the wrong source
    assert interpolate("user-{$key.id}", "key", {}) is None
    assert key_hash({"id": "1", "b": 2}) == key_hash({"b": 2, "id": "1"})


def test_subjects_are_hashed_and_absent_without_a_value() -> None:
    by_claim, by_header = SubjectRule("claim:sub"), SubjectRule("header:x-user")
    alice = by_claim.subject({}, {"sub": "alice"})
    assert alice is not None
    assert "alice" not in alice
    assert alice != by_claim.subject({}, {"sub": "bob"})
    assert by_claim.subject({"x-user": "alice"}, {}) is None
    assert by_header.subject({"x-user": "alice"}, {}) is not None
    assert by_header.subject({}, {"sub": "alice"}) is None


def test_the_memory_store_is_bounded_and_indexes_tags() -> None:
    async def scenario() -> None:
        store = MemoryCacheStorage(size=2)
        await store.put_many([CacheEntry("e:a:U:1:x", "1", 60, ("t:a:one",))])
        await store.put_many([CacheEntry("e:a:U:2:x", "2", 60, ("t:a:one",))])
        await store.get_many(["e:a:U:1:x"])  # used: the other one is now the oldest
        await store.put_many([CacheEntry("e:a:V:3:x", "3", 60)])
        assert await store.get_many(["e:a:U:1:x", "e:a:U:2:x", "e:a:V:3:x"]) == ["1", None, "3"]
        assert await store.delete_tagged("t:a:one") == 1
        assert await store.delete_prefix("e:a:") == 1
        await store.put_many([CacheEntry("e:a:U:4:x", "4", 0.01)])
        await asyncio.sleep(0.02)
        assert await store.get_many(["e:a:U:4:x"]) == [None]

    asyncio.run(scenario())


def test_invalidation_bodies() -> None:
    (by_key,) = parse_invalidations(
        [{"kind": "entity", "subgraph": "a", "type": "U", "key": {"id": "1"}}]
    )
    assert by_key.prefixes == (f"e:a:U:{key_hash({'id': '1'})}:",)
    (by_tag,) = parse_invalidations(
        {"kind": "cache_tag", "subgraphs": ["a", "b"], "cache_tag": "user-1"}
    )
    assert by_tag.tags == ("t:a:user-1", "t:b:user-1")
    for bad in ([], [{"kind": "type", "subgraph": "a*"}], [{"kind": "subgraph"}], ["x"]):
        with pytest.raises(InvalidRequest):
            parse_invalidations(bad)


def test_settings() -> None:
    config = load_config(environ={"GATEWAY_ENTITY_CACHE_PRIVATE_ID": "header:X-User"})
    assert config.entity_cache.private_id == "header:x-user"
    with pytest.raises(ConfigError):
        load_config(environ={"GATEWAY_ENTITY_CACHE_PRIVATE_ID": "cookie:session"})


def test_off_nothing_wraps_the_transport_and_on_it_does() -> None:
    supergraph = load_supergraph(people_supergraph("http://127.0.0.1:1/graphql"))
    assert isinstance(supergraph, Supergraph)
    off = create_app(load_config(environ={}), supergraph=supergraph)
    assert not isinstance(off.state.serving.transport, CachingTransport)
    on = create_app(
        load_config(environ={"GATEWAY_ENTITY_CACHE_ENABLED": "true"}), supergraph=supergraph
    )
    assert isinstance(on.state.serving.transport, CachingTransport)
    env = {"GATEWAY_ENTITY_CACHE_ENABLED": "true", "GATEWAY_ENTITY_CACHE_STORE": "redis"}
    redis_without_url = load_config(environ=env)
    with pytest.raises(ConfigError):
        create_app(redis_without_url, supergraph=supergraph)

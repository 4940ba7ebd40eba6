"""The one JWKS cache (gateway and subgraphs): keys cached, refetched on an unknown kid at most
once per interval, kept through an outage, and an outage never read as "unknown key"."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import jwt
import pytest
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway.config.security import AuthConfig
from gateway.jwks import JwksCache, JwksUnavailable, keys_from_jwks
from gateway.security.authentication import Authenticator, AuthFailure


def _jwk(kid: str, private: Ed25519PrivateKey | None = None) -> dict[str, Any]:
    public = (private or Ed25519PrivateKey.generate()).public_key()
    return {**json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(public)), "kid": kid}


class JwksServer:
    def __init__(self) -> None:
        self.keys = [_jwk("k1")]
        self.fetches = 0
        self.status = 200

    async def handle(self, _: web.Request) -> web.Response:
        self.fetches += 1
        return web.json_response({"keys": self.keys}, status=self.status)


@pytest.fixture
async def served() -> AsyncIterator[tuple[JwksServer, str]]:
    server = JwksServer()
    app = web.Application()
    app.router.add_get("/.well-known/jwks.json", server.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield server, f"http://127.0.0.1:{port}/.well-known/jwks.json"
    finally:
        await runner.cleanup()


@pytest.mark.parametrize("shared_session", [True, False])
async def test_keys_are_cached_and_refetched_for_a_new_kid(
    served: tuple[JwksServer, str], shared_session: bool
) -> None:
    server, url = served
    async with aiohttp.ClientSession() as session:
        slow = JwksCache(url, session=session if shared_session else None)
        assert await slow.key("k1") is not None
        assert await slow.key("k1") is not None
        assert server.fetches == 1
        server.keys.append(_jwk("k2"))
        assert await slow.key("k2") is None  # within the refetch interval: no new request
        assert server.fetches == 1
        fast = JwksCache(url, session=session if shared_session else None, refetch_seconds=0.0)
        assert await fast.key("k1") is not None
        assert server.fetches == 2
        assert await fast.key("k2") is not None
        assert server.fetches == 2  # k2 came with the first fetch
        assert await fast.key("forged") is None
        assert server.fetches == 3


async def test_an_outage_keeps_known_keys_and_is_not_an_unknown_key(
    served: tuple[JwksServer, str],
) -> None:
    server, url = served
    cache = JwksCache(url, refetch_seconds=0.0)
    assert await cache.key("k1") is not None
    server.status = 500
    assert await cache.key("k1") is not None  # known keys keep working while the server is down
    with pytest.raises(JwksUnavailable):
        await cache.key("k2")
    server.status = 200
    assert await cache.key("k2") is None  # answered again: now it is known not to exist


async def test_an_unreachable_jwks_is_unavailable_even_within_the_refetch_interval(
    served: tuple[JwksServer, str],
) -> None:
    server, url = served
    server.status = 503
    cache = JwksCache(url)
    for _ in range(2):  # the second ask fetches nothing but still cannot say "unknown"
        with pytest.raises(JwksUnavailable):
            await cache.key("k1")
    assert server.fetches == 1


async def test_the_gateway_answers_an_outage_as_unavailable_not_as_a_bad_token(
    served: tuple[JwksServer, str],
) -> None:
    server, url = served
    private = Ed25519PrivateKey.generate()
    server.keys = [_jwk("k1", private)]
    token = jwt.encode(
        {"sub": "p", "exp": 2**40}, private, algorithm="EdDSA", headers={"kid": "k1"}
    )
    server.status = 500
    verdict = await Authenticator(AuthConfig(jwks_url=url)).verify(token)
    assert isinstance(verdict, AuthFailure)
    assert verdict.unavailable
    server.status = 200
    verdict = await Authenticator(AuthConfig(jwks_url=url)).verify(token)
    assert not isinstance(verdict, AuthFailure)
    assert verdict.subject == "p"


def test_unusable_entries_are_skipped() -> None:
    document = {"keys": [_jwk("good"), {"kid": "bad", "kty": "nonsense"}, {"no": "kid"}, 7]}
    assert set(keys_from_jwks(document)) == {"good"}
    assert keys_from_jwks(["not", "a", "set"]) == {}

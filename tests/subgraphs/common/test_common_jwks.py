"""The JWKS key source caches keys, refetches on an unknown kid, and is rate-limited."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import jwt
import pytest
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from subgraphs.common import auth
from subgraphs.common.auth import JwksKeySource
from subgraphs.common.errors import AppError


def _jwk(kid: str) -> dict[str, Any]:
    public = Ed25519PrivateKey.generate().public_key()
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


async def test_keys_are_cached_and_refetched_for_a_new_kid(
    served: tuple[JwksServer, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, url = served
    async with aiohttp.ClientSession() as session:
        source = JwksKeySource(session, url)
        assert await source.key("k1") is not None
        assert await source.key("k1") is not None
        assert server.fetches == 1
        server.keys.append(_jwk("k2"))
        assert await source.key("k2") is None  # within the refetch interval: no new request
        assert server.fetches == 1
        monkeypatch.setattr(auth, "REFETCH_SECONDS", 0.0)
        assert await source.key("k2") is not None
        assert server.fetches == 2
        assert await source.key("forged") is None
        assert server.fetches == 3


async def test_an_unreachable_jwks_is_service_unavailable(served: tuple[JwksServer, str]) -> None:
    server, url = served
    server.status = 500
    async with aiohttp.ClientSession() as session:
        with pytest.raises(AppError) as caught:
            await JwksKeySource(session, url).key("k1")
    assert caught.value.extensions["code"] == "SERVICE_UNAVAILABLE"  # an outage, not a bad token

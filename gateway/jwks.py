"""Verification keys from a JWKS URL, cached per process and refetched when a key rotates.

The one JWKS cache of the repository: the gateway verifies tokens with it at the edge and every
subgraph verifies them again with it (`subgraphs/common/auth.py`). It imports nothing else of
the gateway, so a subgraph loads this module alone (as it does `gateway/http_protocol.py`).

A token whose `kid` is not in the cache triggers one refetch, at most once per
`refetch_seconds`, so tokens with made-up kids cannot make anyone flood the key server. A fetch
that fails keeps the keys already known (they keep working while the server is down), and an
unknown `kid` then raises `JwksUnavailable` instead of reading as "not signed by a known key":
an outage of the key server is retryable, never a reason to sign a person out.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import Any

import aiohttp
import jwt

__all__ = ["REFETCH_SECONDS", "JwksCache", "JwksUnavailable", "keys_from_jwks"]

log = logging.getLogger("gateway.jwks")

REFETCH_SECONDS = 5.0
_TIMEOUT = aiohttp.ClientTimeout(total=5)


class JwksUnavailable(Exception):
    """The key set could not be fetched, and the key asked for is not among those known."""


class JwksCache:
    """The keys published at one JWKS URL, by `kid`.

    With `session` the fetches share that pooled session (a subgraph's); without one each
    fetch opens its own, which is cheap at one fetch per `refetch_seconds` at most.
    """

    def __init__(
        self,
        url: str,
        *,
        session: aiohttp.ClientSession | None = None,
        refetch_seconds: float = REFETCH_SECONDS,
    ) -> None:
        self._url = url
        self._session = session
        self._refetch_seconds = refetch_seconds
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = float("-inf")
        self._failed = False
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> jwt.PyJWK | None:
        """The key for `kid`, fetching the set again if it is unknown and the cache is not fresh.

        None when the key server answered and does not publish `kid`; `JwksUnavailable` when
        the last fetch failed, so nobody can tell whether it does.
        """
        found = self._keys.get(kid)
        if found is not None:
            return found
        async with self._lock:
            if kid not in self._keys and self._may_refetch():
                await self._fetch()
        found = self._keys.get(kid)
        if found is None and self._failed:
            raise JwksUnavailable(f"cannot fetch the JWKS from {self._url}")
        return found

    def _may_refetch(self) -> bool:
        return time.monotonic() - self._fetched_at >= self._refetch_seconds

    async def _fetch(self) -> None:
        self._fetched_at = time.monotonic()
        try:
            document = await self._download()
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            log.warning("cannot fetch the JWKS from %s: %s", self._url, error)
            self._failed = True
            return
        self._failed = False
        self._keys = keys_from_jwks(document)

    async def _download(self) -> Any:
        if self._session is not None:
            return await _get_json(self._session, self._url)
        async with aiohttp.ClientSession(timeout=_TIMEOUT) as session:
            return await _get_json(session, self._url)


async def _get_json(session: aiohttp.ClientSession, url: str) -> Any:
    async with session.get(url, timeout=_TIMEOUT) as response:
        response.raise_for_status()
        return await response.json(content_type=None)


def keys_from_jwks(document: Any) -> dict[str, jwt.PyJWK]:
    """`{kid: key}` for every usable key in a JWKS document; unusable entries are skipped."""
    keys: dict[str, jwt.PyJWK] = {}
    entries = document.get("keys") if isinstance(document, Mapping) else None
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str):
            continue
        try:
            keys[entry["kid"]] = jwt.PyJWK(entry)
        except jwt.PyJWTError as error:
            log.warning("skipping an unusable JWKS key %s: %s", entry["kid"], error)
    return keys

"""Verification keys from a JWKS URL, cached per process and refetched when a key rotates.

A token whose `kid` is not in the cache triggers one refetch, at most once per
`REFETCH_SECONDS`, so tokens with made-up kids cannot make the gateway flood the key server.
A fetch that fails leaves the cache as it was: known keys keep working while the server is down.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import aiohttp
import jwt

__all__ = ["REFETCH_SECONDS", "JwksKeys"]

log = logging.getLogger("gateway.security")

REFETCH_SECONDS = 5.0
_TIMEOUT = aiohttp.ClientTimeout(total=5)


class JwksKeys:
    """The keys published at one JWKS URL, by `kid`."""

    def __init__(self, url: str, refetch_seconds: float = REFETCH_SECONDS) -> None:
        self._url = url
        self._refetch_seconds = refetch_seconds
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> jwt.PyJWK | None:
        """The key for `kid`, fetching the set again if it is unknown and the cache is not fresh."""
        found = self._keys.get(kid)
        if found is not None:
            return found
        async with self._lock:
            if kid not in self._keys and self._may_refetch():
                await self._fetch()
        return self._keys.get(kid)

    def _may_refetch(self) -> bool:
        return time.monotonic() - self._fetched_at >= self._refetch_seconds

    async def _fetch(self) -> None:
        self._fetched_at = time.monotonic()
        try:
            async with (
                aiohttp.ClientSession(timeout=_TIMEOUT) as session,
                session.get(self._url) as response,
            ):
                response.raise_for_status()
                document = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            log.warning("cannot fetch the JWKS from %s: %s", self._url, error)
            return
        self._keys = _parse_keys(document)


def _parse_keys(document: Any) -> dict[str, jwt.PyJWK]:
    keys: dict[str, jwt.PyJWK] = {}
    entries = document.get("keys") if isinstance(document, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str):
            continue
        try:
            keys[entry["kid"]] = jwt.PyJWK(entry)
        except jwt.PyJWTError as error:
            log.warning("skipping an unusable JWKS key %s: %s", entry["kid"], error)
    return keys

"""Whose request this is, for private cache entries: a hash of a claim or a header.

The server sets it once per request (`enter_subject`) after authentication; the caching
transport, deep inside the executor, reads it from this context variable. Only its hash is
ever part of a key, so a key in Redis names nobody. Without a subject, private answers are
simply not cached: one person's entry can never be found by another.
"""

from __future__ import annotations

import contextvars
from collections.abc import Mapping
from typing import Any

from gateway.caching.shapes import digest

__all__ = ["SubjectRule", "current_subject", "enter_subject"]

_SUBJECT: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "gateway_cache_subject", default=None
)


class SubjectRule:
    """`claim:<name>` (of the verified token) or `header:<name>`, as `entity_cache.private_id`."""

    __slots__ = ("_kind", "_name")

    def __init__(self, spec: str) -> None:
        self._kind, _, self._name = spec.partition(":")

    def subject(self, headers: Mapping[str, str], claims: Mapping[str, Any]) -> str | None:
        if self._kind == "claim":
            value: object = claims.get(self._name)
        else:
            value = headers.get(self._name)
        if value is None or value == "":
            return None
        return digest(f"{self._kind}:{self._name}:{value}".encode())


def enter_subject(subject: str | None) -> None:
    """Set this request's subject (its task's own context: requests never see each other's)."""
    _SUBJECT.set(subject)


def current_subject() -> str | None:
    return _SUBJECT.get()

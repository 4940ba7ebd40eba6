"""Frozen records of partner apps, a person's grants to them and one-time authorization codes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["AppRecord", "AuthCodeRecord", "GrantRecord"]


@dataclass(frozen=True, slots=True, kw_only=True)
class AppRecord:
    """A registered partner app; only a hash of its secret is kept."""

    client_id: str
    name: str
    redirect_uris: tuple[str, ...]
    scopes: tuple[str, ...]
    secret_hash: str
    owner_id: str
    created_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class GrantRecord:
    """What one person allowed one app to read for them."""

    id: str
    person_id: str
    client_id: str
    scopes: tuple[str, ...]
    granted_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthCodeRecord:
    """An authorization code, kept by its SHA-256 hash, good once and briefly."""

    code_hash: str
    client_id: str
    person_id: str
    grant_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    code_challenge: str
    expires_at: datetime

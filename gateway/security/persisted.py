"""Trusted documents (a manifest of id -> document) and automatic persisted queries (APQ).

Both arrive as `extensions.persistedQuery.sha256Hash`, as Apollo clients send them:

- with a manifest, an id found in it runs that document; with `persisted.safelist` on, nothing
  else runs (PERSISTED_QUERY_NOT_IN_LIST for an unknown id, QUERY_NOT_IN_SAFELIST for a
  document sent in full that is not, character for character, one of the manifest's);
- APQ: a hash alone runs the document registered under it, or answers PersistedQueryNotFound
  (code PERSISTED_QUERY_NOT_FOUND) so the client resends it with the document, which is then
  checked against the hash and kept in the shared store (Redis when configured), for every
  replica to find.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gateway.config.security import PersistedConfig
from gateway.stores import KeyValueStore, open_store

__all__ = [
    "PERSISTED_QUERY_HASH_MISMATCH",
    "PERSISTED_QUERY_NOT_FOUND",
    "PERSISTED_QUERY_NOT_IN_LIST",
    "PERSISTED_QUERY_NOT_SUPPORTED",
    "QUERY_NOT_IN_SAFELIST",
    "DocumentProblem",
    "PersistedDocuments",
    "load_manifest",
]

PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
PERSISTED_QUERY_NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
PERSISTED_QUERY_HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
PERSISTED_QUERY_NOT_IN_LIST = "PERSISTED_QUERY_NOT_IN_LIST"
QUERY_NOT_IN_SAFELIST = "QUERY_NOT_IN_SAFELIST"
APQ_TTL_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentProblem:
    message: str
    code: str


def load_manifest(path: Path) -> dict[str, str]:
    """Apollo's persisted-query manifest (`{"operations": [{"id", "body"}]}`) or `{id: body}`."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and isinstance(data.get("operations"), list):
        return {str(op["id"]): str(op["body"]) for op in data["operations"]}
    if isinstance(data, dict) and all(isinstance(v, str) for v in data.values()):
        return {str(k): v for k, v in data.items()}
    raise ValueError(f"{path}: not a persisted-query manifest")


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _requested_hash(extensions: Mapping[str, Any] | None) -> str | None:
    persisted = (extensions or {}).get("persistedQuery")
    if not isinstance(persisted, dict):
        return None
    digest = persisted.get("sha256Hash")
    return digest if isinstance(digest, str) and digest else None


class PersistedDocuments:
    """Turns a request's id or hash into the document to run."""

    def __init__(
        self,
        config: PersistedConfig,
        store: KeyValueStore | None = None,
        redis_url: str | None = None,
        extra: Mapping[str, str] | None = None,
    ) -> None:
        """`extra`: more trusted documents by id (the apps' own manifests)."""
        self._config = config
        self._manifest = load_manifest(config.manifest) if config.manifest else {}
        self._manifest.update(extra or {})
        self._trusted_bodies = frozenset(self._manifest.values())
        self._safelist = config.safelist and config.manifest is not None
        self._store = store or open_store(redis_url, "gateway:apq:")

    async def resolve(
        self, query: str | None, extensions: Mapping[str, Any] | None
    ) -> str | DocumentProblem | None:
        """The document to run (None: the request has none), or why it cannot run."""
        digest = _requested_hash(extensions)
        if digest is not None and digest in self._manifest:
            return self._manifest[digest]
        if self._safelist:
            return self._safelisted(query, digest)
        if digest is None:
            return query
        if not self._config.apq:
            return DocumentProblem(
                message="Persisted queries are not supported.", code=PERSISTED_QUERY_NOT_SUPPORTED
            )
        return await self._automatic(query, digest)

    def _safelisted(self, query: str | None, digest: str | None) -> str | DocumentProblem:
        if query is not None and query in self._trusted_bodies:
            return query
        if query is None and digest is not None:
            return DocumentProblem(
                message="This persisted query id is not in the list.",
                code=PERSISTED_QUERY_NOT_IN_LIST,
            )
        return DocumentProblem(
            message="Only trusted documents run here: send a persisted query id.",
            code=QUERY_NOT_IN_SAFELIST,
        )

    async def _automatic(self, query: str | None, digest: str) -> str | DocumentProblem:
        if query is None:
            found = await self._store.get(digest)
            if found is None:
                return DocumentProblem(
                    message="PersistedQueryNotFound", code=PERSISTED_QUERY_NOT_FOUND
                )
            return found
        if _sha256(query) != digest.lower():
            return DocumentProblem(
                message="The provided sha256Hash does not match the query.",
                code=PERSISTED_QUERY_HASH_MISMATCH,
            )
        await self._store.set(digest.lower(), query, APQ_TTL_SECONDS)
        return query

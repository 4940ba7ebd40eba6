"""One-time link-proof codes: how a platform proves to Accounts Center who owns an account.

The owner of a WhatsApp account, Facebook profile or Instagram profile asks their platform for a
code (`create<Platform>LinkProof`). They give it to Accounts Center's `linkAccount`, which sends it
with the account id and their person id to the platform's `POST /internal/link-proofs/verify`.
The code is valid once, for `PROOF_TTL` and only for that account and that person, so nobody can
link an account they do not own. Only a SHA-256 of the code is stored. Each wrong guess for an
account counts against its outstanding codes; after `MAX_FAILURES` they stop working.

This module talks to the platform's own database (a `link_proofs` collection), so it is part of
each platform's repository layer.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from pymongo import ASCENDING
from pymongo.errors import OperationFailure
from starlette.routing import Route

from subgraphs.common.context import Services
from subgraphs.common.database import Document, MongoDatabase
from subgraphs.common.ids import is_object_id
from subgraphs.common.internal import InternalBadRequest, internal_route, require_str

__all__ = [
    "MAX_FAILURES",
    "PROOF_TTL",
    "HasLinkProofs",
    "IssuedProof",
    "LinkProofStore",
    "create_ttl_index",
    "verify_route",
]

logger = logging.getLogger("subgraphs.link_proofs")

PROOF_TTL = timedelta(minutes=10)
MAX_FAILURES = 5
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: people type these codes
CODE_LENGTH = 10
NOT_IMPLEMENTED = 238


@dataclass(frozen=True, slots=True, kw_only=True)
class IssuedProof:
    """A code handed to the account's owner, shown once."""

    account_id: str
    code: str
    expires_at: datetime


def _digest(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


async def create_ttl_index(collection: Any, field: str) -> bool:
    """A TTL index on `field` (expire at that time) where the server has them.

    FerretDB 1.x answers NotImplemented; callers then rely on filtering by time in every query
    (which they do anyway, because MongoDB's TTL monitor runs only once a minute) and on purging.
    """
    try:
        await collection.create_index([(field, ASCENDING)], expireAfterSeconds=0)
    except OperationFailure as exc:
        if exc.code != NOT_IMPLEMENTED:
            raise
        logger.warning("no TTL indexes on this server; %s is purged by time instead", field)
        await collection.create_index([(field, ASCENDING)])
        return False
    return True


class LinkProofStore:
    """The `link_proofs` collection of one platform's database."""

    def __init__(self, database: MongoDatabase) -> None:
        self._proofs = database["link_proofs"]

    async def ensure_indexes(self) -> None:
        await self._proofs.create_index([("accountId", ASCENDING), ("codeHash", ASCENDING)])
        await create_ttl_index(self._proofs, "expiresAt")

    async def issue(self, account_id: str, owner_id: str) -> IssuedProof:
        """A fresh code for the owner of `account_id` (earlier codes stay valid until used)."""
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        now = datetime.now(UTC)
        expires_at = now + PROOF_TTL
        document: Document = {
            "accountId": account_id,
            "ownerId": owner_id,
            "codeHash": _digest(code),
            "failures": 0,
            "createdAt": now,
            "expiresAt": expires_at,
        }
        await self._proofs.insert_one(document)
        return IssuedProof(account_id=account_id, code=code, expires_at=expires_at)

    async def consume(self, account_id: str, person_id: str, code: str) -> bool:
        """True, once, for a live code the owner `person_id` got for `account_id`."""
        now = datetime.now(UTC)
        live = {
            "accountId": account_id,
            "expiresAt": {"$gt": now},
            "failures": {"$lt": MAX_FAILURES},
        }
        used = await self._proofs.find_one_and_delete(
            {**live, "ownerId": person_id, "codeHash": _digest(code)}
        )
        if used is not None:
            return True
        await self._proofs.update_many(live, {"$inc": {"failures": 1}})
        await self._proofs.delete_many({"expiresAt": {"$lte": now}})
        return False


class HasLinkProofs(Protocol):
    """A platform repository that keeps link proofs."""

    @property
    def link_proofs(self) -> LinkProofStore: ...

    async def ensure_indexes(self) -> None: ...


async def _verify(payload: Mapping[str, Any], services: Services[Any]) -> Mapping[str, Any]:
    account_id = require_str(payload, "accountId", max_length=64)
    person_id = require_str(payload, "personId", max_length=200)
    code = require_str(payload, "code", max_length=64)
    if not is_object_id(account_id):
        raise InternalBadRequest("'accountId' is not a valid id")
    store: LinkProofStore = services.repository.link_proofs
    return {"valid": await store.consume(account_id, person_id, code)}


def verify_route() -> Route:
    """`POST /internal/link-proofs/verify` for a platform whose repository `HasLinkProofs`."""
    return internal_route("/internal/link-proofs/verify", _verify)

"""Password hashing with argon2id (argon2-cffi), off the event loop.

Parameters are OWASP's recommended argon2id minimum (19 MiB, 2 passes, 1 lane): strong against
offline guessing, yet cheap enough that sign-in stays fast on a small, busy host. Hashes carry
their parameters, so raising them later still verifies old hashes.

Hashing is deliberately slow, so it runs in a worker thread. Sign-in for an unknown email still
verifies against a dummy hash, so response time does not reveal which emails have accounts.
"""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = ["hash_password", "verify_password"]

_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_DUMMY_HASH = _HASHER.hash("not a real password, only here to spend the same time")


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_HASHER.hash, password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; an absent hash still costs one verification."""
    if password_hash is None:
        await asyncio.to_thread(_verify, _DUMMY_HASH, password)
        return False
    return await asyncio.to_thread(_verify, password_hash, password)

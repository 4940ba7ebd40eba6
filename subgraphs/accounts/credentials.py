"""Checking an email and password, throttled: the one path for `signIn` and the consent screen.

The consent screen (`oauth.py`) asks for the password again instead of trusting a cookie: the
graph's sign-in gives a bearer token to the app, not a browser session, and a password typed
into accounts' own page is also what makes a forged consent from another site useless.
"""

from __future__ import annotations

from subgraphs.accounts.backend import AccountsBackend
from subgraphs.accounts.passwords import verify_password
from subgraphs.accounts.records import PersonRecord
from subgraphs.accounts.throttle import Throttled
from subgraphs.common.errors import AppError, rate_limited, unauthenticated

__all__ = ["too_many", "verify_credentials"]


def too_many(throttled: Throttled) -> AppError:
    return rate_limited(
        f"Too many attempts from this client; try again in {throttled.retry_after} s.",
        throttled.retry_after,
    )


async def verify_credentials(
    backend: AccountsBackend, email: str, password: str, client: str
) -> PersonRecord:
    """The person with this email and password; RATE_LIMITED or UNAUTHENTICATED otherwise."""
    normalised = email.strip().lower()[:254]
    attempt = await backend.throttle.admit_sign_in(normalised, client)
    if isinstance(attempt, Throttled):
        raise too_many(attempt)
    person = await backend.repository.person_by_email(normalised)
    hashed = None if person is None else person.password_hash
    if not await verify_password(hashed, password[:256]) or person is None:
        await backend.throttle.failed(attempt)
        raise unauthenticated("The email or password is wrong.")
    await backend.throttle.succeeded(attempt)
    return person

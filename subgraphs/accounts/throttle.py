"""Sign-in and sign-up throttling: password guessing costs time, and never locks a person out.

The policy (the accounts README says it for people; the numbers are `SignInLimits`):

- **Per client first.** A client (its address, see CONTRACTS.md) gets `client_failures` failed
  sign-ins and sign-ups (wrong password, unknown email, email taken) per 15-minute window over
  all accounts; then RATE_LIMITED until the window ends. This stops one client spraying many
  accounts, and it never touches anyone else.
- **Per account and client.** A client gets `free_failures` wrong passwords for one account.
  After that each further attempt needs the account-and-client lock, which one attempt takes and
  holds for `lock_seconds`, doubling with every attempt (at most `max_lock_seconds`); while it
  is held, attempts are refused before the password is looked at, so a lock also stops
  guessing. A correct password from that client clears its count.
- **Per account, soft.** When an account collects `attack_failures` failures in a window from
  all clients together (a distributed attack), every client gets one free failure for it
  instead of `free_failures`. Nobody is locked out for everyone: a client that has not failed
  still gets its attempt, so the owner signing in from a fresh device succeeds at once, and a
  locked client waits minutes, not forever (Microsoft's smart lockout and Auth0's per-address
  brute-force protection take the same line; a hard account lock hands attackers a way to
  lock out their victim).

Attempts are counted before the password is checked (a reservation a success gives back), and
the lock is taken with an atomic add, so a burst of parallel requests gets no more attempts than
a patient client. Counters live in a `KeyValueStore`: Redis when `REDIS_URL` is set (every
replica shares them), else this process's memory. Accounts are keyed by a hash of the email, so
the shared store holds no addresses.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from gateway.stores import KeyValueStore
from subgraphs.common.settings import SignInLimits

__all__ = ["SignInAttempt", "SignInThrottle", "Throttled"]

WINDOW_SECONDS = 900
"""The window the per-client and per-account failure counts are kept for."""
MEMORY_SECONDS = 3600
"""How long an account-and-client failure count is remembered after it starts."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Throttled:
    """An attempt refused before anything was checked, and when to try again (seconds)."""

    retry_after: int


@dataclass(frozen=True, slots=True, kw_only=True)
class SignInAttempt:
    """One admitted sign-in: report its outcome with `SignInThrottle.succeeded`/`failed`."""

    account: str
    client: str


class SignInThrottle:
    """The policy above over one store."""

    def __init__(self, store: KeyValueStore, limits: SignInLimits) -> None:
        self._store = store
        self._limits = limits

    async def admit_sign_in(self, email: str, client: str) -> SignInAttempt | Throttled:
        """Whether `client` may try a password for `email` now (the attempt is reserved)."""
        attempt = SignInAttempt(account=_account(email), client=client[:100])
        refused = await self._admit_client(attempt.client)
        if refused is not None:
            return refused
        pair = f"{attempt.account}:{attempt.client}"
        locked = await self._locked(pair)
        if locked is not None:
            await self._give_back_client(attempt.client)
            return locked
        count = await self._store.incr(f"fails:{pair}", MEMORY_SECONDS)
        over = count - await self._free_failures(attempt.account)
        if over > 0 and not await self._take_lock(pair, over):
            # Another attempt holds the lock: this one was never made.
            await self._store.incr(f"fails:{pair}", MEMORY_SECONDS, -1)
            await self._give_back_client(attempt.client)
            return await self._locked(pair) or Throttled(retry_after=1)
        return attempt

    async def _take_lock(self, pair: str, over: int) -> bool:
        """The lock for the `over`th attempt past the free ones; whether this attempt got it."""
        seconds = min(self._limits.max_lock_seconds, self._limits.lock_seconds * 2 ** (over - 1))
        until = time.time() + seconds
        return await self._store.add(f"lock:{pair}", f"{until:.3f}", seconds)

    async def succeeded(self, attempt: SignInAttempt) -> None:
        """The right password: the client's failures for this account are forgotten."""
        pair = f"{attempt.account}:{attempt.client}"
        await self._store.delete(f"fails:{pair}")
        await self._store.delete(f"lock:{pair}")
        await self._give_back_client(attempt.client)

    async def failed(self, attempt: SignInAttempt) -> None:
        """A wrong password (or an unknown email): it counts against the account too."""
        await self._store.incr(_window_key("account", attempt.account), WINDOW_SECONDS + 1)

    async def admit_sign_up(self, client: str) -> str | Throttled:
        """Whether `client` may try a sign-up now; the client key to report the outcome with."""
        key = client[:100]
        refused = await self._admit_client(key)
        return key if refused is None else refused

    async def sign_up_succeeded(self, client: str) -> None:
        """A new account: only failed sign-ups (an email already taken) count."""
        await self._give_back_client(client)

    async def _admit_client(self, client: str) -> Throttled | None:
        count = await self._store.incr(_window_key("client", client), WINDOW_SECONDS + 1)
        if count <= self._limits.client_failures:
            return None
        return Throttled(retry_after=_window_left())

    async def _give_back_client(self, client: str) -> None:
        await self._store.incr(_window_key("client", client), WINDOW_SECONDS + 1, -1)

    async def _locked(self, pair: str) -> Throttled | None:
        """The lock is its key (it expires with the lock); the value says when, for the hint."""
        until = await self._store.get(f"lock:{pair}")
        if until is None:
            return None
        return Throttled(retry_after=max(1, math.ceil(float(until) - time.time())))

    async def _free_failures(self, account: str) -> int:
        failures = await self._store.get(_window_key("account", account))
        under_attack = failures is not None and int(failures) >= self._limits.attack_failures
        return 1 if under_attack else self._limits.free_failures


def _account(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()[:32]


def _window_key(kind: str, name: str) -> str:
    return f"{kind}:{name}:{int(time.time() // WINDOW_SECONDS)}"


def _window_left() -> int:
    return max(1, math.ceil(WINDOW_SECONDS - time.time() % WINDOW_SECONDS))

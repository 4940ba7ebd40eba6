"""The environment a subgraph runs with, read once into a frozen object (see CONTRACTS.md)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DEFAULT_PORTS",
    "SUBGRAPH_NAMES",
    "CrossPostOutbox",
    "DatabaseTimeouts",
    "Settings",
    "SettingsError",
    "SignInLimits",
    "crosspost_outbox",
    "load_settings",
]

DEFAULT_PORTS: Mapping[str, int] = {
    "accounts": 4001,
    "whatsapp": 4002,
    "facebook": 4003,
    "instagram": 4004,
}
SUBGRAPH_NAMES: tuple[str, ...] = tuple(DEFAULT_PORTS)
DEFAULT_REGIONS = "EU,US,BR,IN"


class SettingsError(ValueError):
    """A required variable is missing or a value cannot be read."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DatabaseTimeouts:
    """How long the database client waits, in milliseconds, before it calls the database down.

    Without them a stalled database held every request until the gateway gave up. Each is well
    under the gateway's 8 s request deadline, so the client hears SERVICE_UNAVAILABLE from us
    rather than a bare timeout: `server_selection` bounds finding a usable server (a killed
    database), `connect` a new connection and its handshake, `socket` one read or write on an
    open connection (a stopped one), and `request` all the database work of one GraphQL
    request together (pymongo's operation timeout), so several queries in a row cannot add up.
    """

    connect_ms: int = 2000
    socket_ms: int = 3000
    server_selection_ms: int = 2000
    request_ms: int = 4000


@dataclass(frozen=True, slots=True, kw_only=True)
class SignInLimits:
    """accounts' password-guessing throttle (the policy: `subgraphs/accounts/throttle.py`)."""

    free_failures: int = 5
    """Wrong passwords one client gets for one account before each attempt waits for a lock."""
    lock_seconds: int = 30
    """The first lock; each further one doubles."""
    max_lock_seconds: int = 900
    attack_failures: int = 20
    """Failures on one account from all clients in 15 minutes that leave every client one free
    failure on it."""
    client_failures: int = 50
    """Failed sign-ins and sign-ups one client gets in 15 minutes over all accounts."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CrossPostOutbox:
    """whatsapp's outbox worker (`subgraphs/whatsapp/worker.py`): how often each replica polls
    for due Statuses, how many it claims per tick, and the longest wait between retries.

    Per replica the drain rate is at most `batch_size / poll_seconds` Statuses per second, less
    the time a batch takes (measured: `python -m benchmarks outbox`, docs/scaling.md)."""

    poll_seconds: float = 0.5
    batch_size: int = 20
    retry_max_seconds: float = 30.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Everything a subgraph process needs to know about its surroundings."""

    name: str
    host: str
    port: int
    mongodb_uri: str
    mongodb_db_prefix: str
    service_urls: Mapping[str, str]
    internal_token: str
    jwt_issuer: str
    jwt_audience: str
    regions_rolled_out: frozenset[str]
    database_timeouts: DatabaseTimeouts = DatabaseTimeouts()
    redis_url: str | None = None
    """Optional: Redis for pushed token revocations (see `subgraphs.common.revocations`) and
    accounts' sign-in throttle, shared by replicas."""
    sign_in: SignInLimits = SignInLimits()
    crosspost: CrossPostOutbox = CrossPostOutbox()
    signing_key_file: Path | None = None
    """accounts: sign tokens with the Ed25519 key in this PEM file (a mounted Secret) instead
    of the one kept in its database (`subgraphs/accounts/tokens.py`)."""

    @property
    def database_name(self) -> str:
        """`<MONGODB_DB>_<name>`: the one database this subgraph alone touches."""
        return f"{self.mongodb_db_prefix}_{self.name}"

    @property
    def accounts_url(self) -> str:
        return self.service_urls["accounts"]

    def service_url(self, name: str) -> str:
        """Base URL (no trailing slash) of subgraph `name`."""
        return self.service_urls[name]


def _port(raw: str, name: str) -> int:
    try:
        port = int(raw)
    except ValueError as exc:
        raise SettingsError(f"PORT for {name} must be an integer, not {raw!r}") from exc
    if not 0 < port < 65536:
        raise SettingsError(f"PORT for {name} is out of range: {port}")
    return port


def _milliseconds(env: Mapping[str, str], variable: str, default: int) -> int:
    raw = env.get(variable, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 0 < int(raw) <= 600_000:
        raise SettingsError(f"{variable} must be a number of milliseconds (1-600000), not {raw!r}")
    return int(raw)


def _database_timeouts(env: Mapping[str, str]) -> DatabaseTimeouts:
    defaults = DatabaseTimeouts()
    return DatabaseTimeouts(
        connect_ms=_milliseconds(env, "MONGODB_CONNECT_TIMEOUT_MS", defaults.connect_ms),
        socket_ms=_milliseconds(env, "MONGODB_SOCKET_TIMEOUT_MS", defaults.socket_ms),
        server_selection_ms=_milliseconds(
            env, "MONGODB_SERVER_SELECTION_TIMEOUT_MS", defaults.server_selection_ms
        ),
        request_ms=_milliseconds(env, "MONGODB_REQUEST_TIMEOUT_MS", defaults.request_ms),
    )


def _count(env: Mapping[str, str], variable: str, default: int) -> int:
    raw = env.get(variable, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 0 < int(raw) <= 1_000_000:
        raise SettingsError(f"{variable} must be a whole number (1-1000000), not {raw!r}")
    return int(raw)


def _sign_in_limits(env: Mapping[str, str]) -> SignInLimits:
    defaults = SignInLimits()
    return SignInLimits(
        free_failures=_count(env, "SIGN_IN_FREE_FAILURES", defaults.free_failures),
        lock_seconds=_count(env, "SIGN_IN_LOCK_SECONDS", defaults.lock_seconds),
        max_lock_seconds=_count(env, "SIGN_IN_MAX_LOCK_SECONDS", defaults.max_lock_seconds),
        attack_failures=_count(env, "SIGN_IN_ATTACK_FAILURES", defaults.attack_failures),
        client_failures=_count(env, "SIGN_IN_CLIENT_FAILURES", defaults.client_failures),
    )


def _seconds(env: Mapping[str, str], variable: str, default: float) -> float:
    raw = env.get(variable, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= 3600:
        raise SettingsError(
            f"{variable} must be a number of seconds (over 0, up to 3600), not {raw!r}"
        )
    return value


def crosspost_outbox(environ: Mapping[str, str] | None = None) -> CrossPostOutbox:
    """`CROSSPOST_POLL_SECONDS`, `CROSSPOST_BATCH_SIZE`, `CROSSPOST_RETRY_MAX_SECONDS`."""
    env = os.environ if environ is None else environ
    defaults = CrossPostOutbox()
    return CrossPostOutbox(
        poll_seconds=_seconds(env, "CROSSPOST_POLL_SECONDS", defaults.poll_seconds),
        batch_size=_count(env, "CROSSPOST_BATCH_SIZE", defaults.batch_size),
        retry_max_seconds=_seconds(env, "CROSSPOST_RETRY_MAX_SECONDS", defaults.retry_max_seconds),
    )


def _regions(raw: str) -> frozenset[str]:
    return frozenset(part.strip().upper() for part in raw.split(",") if part.strip())


def load_settings(subgraph_name: str, environ: Mapping[str, str] | None = None) -> Settings:
    """Read the settings for `subgraph_name` from `environ` (default: the process environment)."""
    if subgraph_name not in DEFAULT_PORTS:
        raise SettingsError(f"unknown subgraph {subgraph_name!r}")
    env = os.environ if environ is None else environ
    mongodb_uri = env.get("MONGODB_URI", "")
    if not mongodb_uri:
        raise SettingsError("MONGODB_URI is required")
    internal_token = env.get("INTERNAL_TOKEN", "")
    if not internal_token:
        raise SettingsError("INTERNAL_TOKEN is required (a shared secret for /internal/* routes)")
    urls = {
        name: env.get(f"{name.upper()}_URL", f"http://127.0.0.1:{port}").rstrip("/")
        for name, port in DEFAULT_PORTS.items()
    }
    return Settings(
        name=subgraph_name,
        host=env.get("HOST", "127.0.0.1"),
        port=_port(env.get("PORT", str(DEFAULT_PORTS[subgraph_name])), subgraph_name),
        mongodb_uri=mongodb_uri,
        mongodb_db_prefix=env.get("MONGODB_DB", "accounts_center"),
        service_urls=urls,
        internal_token=internal_token,
        jwt_issuer=env.get("JWT_ISSUER", "accounts-center"),
        jwt_audience=env.get("JWT_AUDIENCE", "accounts-center-graph"),
        regions_rolled_out=_regions(env.get("REGIONS_ROLLED_OUT", DEFAULT_REGIONS)),
        redis_url=env.get("REDIS_URL") or None,
        database_timeouts=_database_timeouts(env),
        sign_in=_sign_in_limits(env),
        crosspost=crosspost_outbox(env),
        signing_key_file=Path(key_file) if (key_file := env.get("SIGNING_KEY_FILE")) else None,
    )

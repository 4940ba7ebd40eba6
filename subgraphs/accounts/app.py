"""The accounts subgraph's Starlette app: the common factory plus accounts' own verifier and routes.

Accounts verifies its callers in-process (its key store and session collection) instead of
calling its own JWKS and introspection routes over HTTP; with `REDIS_URL` set it reads pushed
revocations from memory like the other subgraphs, and its sign-out publishes them.
"""

from __future__ import annotations

from functools import partial

import aiohttp
from starlette.applications import Starlette

from subgraphs.accounts.backend import AccountsBackend
from subgraphs.accounts.loaders import AccountsLoaders
from subgraphs.accounts.routes import routes
from subgraphs.accounts.schema import EVENT_CHANNELS, SCHEMA
from subgraphs.accounts.tokens import LocalRevocationCheck, read_key_file
from subgraphs.common.app import SubgraphSpec, create_app
from subgraphs.common.auth import KeySource, RevocationCheck
from subgraphs.common.settings import Settings

__all__ = ["build_app"]


def _keys(_: Settings, __: aiohttp.ClientSession, backend: AccountsBackend) -> KeySource:
    return backend.keys


def _revocation(
    _: Settings, __: aiohttp.ClientSession, backend: AccountsBackend
) -> RevocationCheck:
    return LocalRevocationCheck(backend.repository)


def build_app(settings: Settings) -> Starlette:
    """Raises SettingsError when `SIGNING_KEY_FILE` is set but holds no usable key, so a
    missing or wrong Secret stops the process at once with the reason, not at first sign-in."""
    if settings.signing_key_file is not None:
        read_key_file(settings.signing_key_file)
    return create_app(
        SubgraphSpec(
            settings=settings,
            schema=SCHEMA,
            make_repository=partial(AccountsBackend.create, settings=settings),
            make_loaders=AccountsLoaders.create,
            routes=routes(),
            make_keys=_keys,
            make_revocation=_revocation,
            event_channels=EVENT_CHANNELS,
        )
    )

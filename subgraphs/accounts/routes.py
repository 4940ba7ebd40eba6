"""The accounts subgraph's HTTP routes outside the graph: JWKS and the internal API.

- `GET /.well-known/jwks.json` (public): the key every subgraph verifies tokens with.
- `POST /internal/tokens/introspect {"jti"}` -> `{"active": bool}`: revocation for the others.
- `POST /internal/crosspost-targets {"personId"}` -> `{"targets": [...]}`: where a WhatsApp
  Status may go right now (see `linking.crosspost_targets`).
- `/oauth/authorize` (consent screen) and `/oauth/token` (public): OAuth 2.0 for partner apps,
  see `oauth.py`.
- `GET /avatars/{id}` (public): an uploaded avatar image (`uploadAvatar`), streamed from
  GridFS as the format its bytes showed; ids are new per upload, so it is cacheable for good.
- `GET /imagine-sources/{id}`: a photo given to Imagine Me. The id is 144 random bits that
  only its owner's answers contain; served `private`, never to shared caches.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from subgraphs.accounts.backend import AccountsBackend
from subgraphs.accounts.image_files import ImageFiles
from subgraphs.accounts.linking import crosspost_targets
from subgraphs.accounts.oauth import oauth_routes
from subgraphs.accounts.tokens import session_active
from subgraphs.common.context import Services
from subgraphs.common.internal import internal_route, require_str, services_of
from subgraphs.common.responses import OrjsonResponse

__all__ = ["routes"]

JWKS_CACHE_SECONDS = 300


async def _jwks(request: Request) -> Response:
    backend: AccountsBackend = services_of(request).repository
    return OrjsonResponse(
        await backend.keys.jwks(),
        headers={"Cache-Control": f"public, max-age={JWKS_CACHE_SECONDS}"},
    )


async def _introspect(
    payload: Mapping[str, Any], services: Services[AccountsBackend]
) -> Mapping[str, Any]:
    jti = require_str(payload, "jti", max_length=64)
    return {"active": await session_active(services.repository.repository, jti)}


async def _targets(
    payload: Mapping[str, Any], services: Services[AccountsBackend]
) -> Mapping[str, Any]:
    person_id = require_str(payload, "personId", max_length=64)
    regions = services.settings.regions_rolled_out
    return {"targets": await crosspost_targets(services.repository.repository, person_id, regions)}


async def _image(files: ImageFiles, file_id: str, cache: str) -> Response:
    found = await files.open(file_id)
    if found is None:
        return Response("no such image", status_code=404, media_type="text/plain")
    headers = {
        "content-length": str(found.length),
        "cache-control": f"{cache}, max-age=31536000, immutable",
        "x-content-type-options": "nosniff",
    }
    return StreamingResponse(found.chunks, media_type=found.content_type, headers=headers)


async def _avatar(request: Request) -> Response:
    backend: AccountsBackend = services_of(request).repository
    return await _image(backend.avatar_files, str(request.path_params["file_id"]), "public")


async def _source_photo(request: Request) -> Response:
    backend: AccountsBackend = services_of(request).repository
    return await _image(backend.source_photos, str(request.path_params["file_id"]), "private")


def routes() -> list[BaseRoute]:
    return [
        *oauth_routes(),
        Route("/avatars/{file_id}", _avatar, methods=["GET"]),
        Route("/imagine-sources/{file_id}", _source_photo, methods=["GET"]),
        Route("/.well-known/jwks.json", _jwks, methods=["GET"]),
        internal_route("/internal/tokens/introspect", _introspect),
        internal_route("/internal/crosspost-targets", _targets),
    ]

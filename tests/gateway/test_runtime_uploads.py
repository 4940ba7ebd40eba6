"""The runtime sends files only where Apollo Router would stream them, and refuses the rest
before any subgraph is asked (`planner/uploads.py`, `Gateway.execute`).

Two real Strawberry federation schemas run in process; the request is what the server builds
from a multipart body: a `FileUpload` in the variables, named in `file_variables`.
"""

from __future__ import annotations

import io
from typing import Any

import strawberry
from strawberry.file_uploads import Upload

from gateway.composition import CompositionSuccess, SubgraphSource, compose
from gateway.runtime import Gateway, GatewayOptions, GraphQLRequest
from gateway.supergraph import Supergraph, load_supergraph
from gateway.transports import FileUpload, InProcessTransport


@strawberry.federation.type(keys=["id"])
class Person:
    id: strawberry.ID
    name: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Person:
        return Person(id=id, name="Ada")


@strawberry.type
class AccountsQuery:
    @strawberry.field
    def me(self) -> Person:
        return Person(id=strawberry.ID("1"), name="Ada")


@strawberry.type
class AccountsMutation:
    @strawberry.mutation
    def upload_avatar(self, file: Upload | None = None) -> Person:
        size = file.size if isinstance(file, FileUpload) else -1
        return Person(id=strawberry.ID("1"), name=f"got {size} bytes")


@strawberry.federation.type(keys=["id"], name="Person")
class MediaPerson:
    id: strawberry.ID

    @strawberry.field
    def sticker(self, file: Upload | None = None) -> str:
        return "sticker"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> MediaPerson:
        return MediaPerson(id=id)


@strawberry.type
class MediaQuery:
    @strawberry.field
    def scan(self, file: Upload | None = None) -> int:
        return 1


ACCOUNTS = strawberry.federation.Schema(query=AccountsQuery, mutation=AccountsMutation)
MEDIA = strawberry.federation.Schema(query=MediaQuery, types=[MediaPerson])


def _gateway() -> tuple[Gateway, InProcessTransport]:
    sources = [
        SubgraphSource(name="accounts", routing_url="http://127.0.0.1:1/a", sdl=ACCOUNTS.as_str()),
        SubgraphSource(name="media", routing_url="http://127.0.0.1:1/m", sdl=MEDIA.as_str()),
    ]
    composed = compose(sources)
    assert isinstance(composed, CompositionSuccess), str(composed)
    graph = load_supergraph(composed.supergraph_sdl)
    assert isinstance(graph, Supergraph)
    transport = InProcessTransport({"accounts": ACCOUNTS, "media": MEDIA})
    return Gateway(graph, transport, GatewayOptions()), transport


def _file() -> FileUpload:
    data = b"\x89PNG\r\n\x1a\n1234"
    return FileUpload(
        part="0", filename="a.png", content_type="image/png", size=len(data), file=io.BytesIO(data)
    )


async def _run(query: str) -> tuple[dict[str, Any], InProcessTransport]:
    gateway, transport = _gateway()
    request = GraphQLRequest(query=query, variables={"f": _file()}, file_variables=frozenset({"f"}))
    result = await gateway.execute(request, {})
    return result.body, transport


async def test_a_root_field_gets_the_file() -> None:
    body, transport = await _run("mutation ($f: Upload) { uploadAvatar(file: $f) { name } }")
    assert body == {"data": {"uploadAvatar": {"name": "got 12 bytes"}}}
    assert transport.count("accounts") == 1


async def test_a_file_for_an_entity_fetch_is_refused_before_any_call() -> None:
    query = "mutation ($f: Upload) { uploadAvatar(file: $f) { sticker(file: $f) } }"
    body, transport = await _run(query)
    assert [e["extensions"]["code"] for e in body["errors"]] == [
        "FILE_UPLOADS_OPERATION_CANNOT_STREAM"
    ]
    assert "data" not in body
    assert transport.count("accounts") == 0
    assert transport.count("media") == 0

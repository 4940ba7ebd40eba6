"""Uploads end to end: GraphQL multipart requests through the real gateway (with the shipped
`schema/gateway.yaml`) to the real accounts subgraph, stored in GridFS on FerretDB and served
back at the URLs the graph shows: the avatar (public) and Imagine Me's source photos (private).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.database import drop_prefixed, new_prefix
from devstack.graphql_client import post_graphql, require_data
from devstack.processes import Service, free_port
from devstack.stack import gateway_env, start_gateway, start_subgraphs, stop_all
from tests.subgraphs.accounts.uploads_support import Answer, codes, request, send_files, sign_up

pytestmark = pytest.mark.integration

SUPERGRAPH = Path(__file__).resolve().parents[3] / "schema" / "supergraph.graphql"
UPLOAD = "mutation ($file: Upload!) { uploadAvatar(file: $file) { imageUrl } }"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 400  # about 100 KB, several GridFS chunks
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x01" * 500
JPEG = b"\xff\xd8\xff\xe0" + b"\x02" * 3000
IMAGINE = """
mutation ($prompt: String!, $photos: [Upload!]) {
  createImagineMe(prompt: $prompt, sourcePhotos: $photos) { id sourcePhotoUrls }
}
"""


@pytest.fixture(scope="module")
def gateway(mongodb_uri: str, test_output_root: Path) -> Iterator[str]:
    prefix = new_prefix()
    log_dir = test_output_root / "accounts-uploads"
    services: dict[str, Service] = start_subgraphs(
        mongodb_uri, prefix, log_dir, internal_token=secrets.token_urlsafe(24)
    )
    try:
        env = {**gateway_env(services), "GATEWAY_LOG_LEVEL": "warning"}
        service = start_gateway(SUPERGRAPH, free_port(), env, log_dir / "gateway.log")
        try:
            yield f"{service.url}/graphql"
        finally:
            service.stop()
    finally:
        stop_all(services.values())
        drop_prefixed(mongodb_uri, prefix)


def upload(url: str, token: str | None, content: bytes, claimed: str = "image/png") -> Answer:
    return send_files(url, token, UPLOAD, {"file": None}, [("variables.file", content)], claimed)


def avatar_of(url: str, token: str) -> str | None:
    query = "{ me { avatar { imageUrl } } }"
    me = require_data(post_graphql(url, query, {}, token=token), query)["me"]
    return None if me["avatar"] is None else str(me["avatar"]["imageUrl"])


def test_an_uploaded_avatar_is_stored_and_served(gateway: str) -> None:
    token = sign_up(gateway)
    answer = upload(gateway, token, PNG, claimed="application/octet-stream")
    assert answer.status == 200, answer.body
    image_url = answer.json()["data"]["uploadAvatar"]["imageUrl"]
    assert avatar_of(gateway, token) == image_url
    served = request(image_url, "GET", None, {})
    assert served.status == 200
    assert served.body == PNG
    assert served.headers["content-type"] == "image/png"  # the bytes', not the client's claim
    assert served.headers["x-content-type-options"] == "nosniff"


def test_a_new_upload_replaces_the_old_one(gateway: str) -> None:
    token = sign_up(gateway)
    first = upload(gateway, token, PNG).json()["data"]["uploadAvatar"]["imageUrl"]
    second = upload(gateway, token, WEBP).json()["data"]["uploadAvatar"]["imageUrl"]
    assert first != second
    assert avatar_of(gateway, token) == second
    assert request(second, "GET", None, {}).headers["content-type"] == "image/webp"
    assert request(first, "GET", None, {}).status == 404  # the earlier file is gone


def test_a_non_image_is_refused_whatever_the_client_claims(gateway: str) -> None:
    token = sign_up(gateway)
    answer = upload(gateway, token, b"<svg onload=alert(1)>", claimed="image/png")
    assert codes(answer) == ["BAD_USER_INPUT"]
    assert avatar_of(gateway, token) is None


def test_limits_hold(gateway: str) -> None:
    token = sign_up(gateway)
    big = upload(gateway, token, PNG[:8] + b"\x00" * (1024 * 1024))
    assert big.status == 413
    assert codes(big) == ["FILE_UPLOADS_LIMITS_MAX_FILE_SIZE_EXCEEDED"]
    anonymous = upload(gateway, None, PNG)
    assert codes(anonymous) == ["UNAUTHORIZED_FIELD_OR_TYPE"]


def test_nobody_replaces_another_persons_avatar(gateway: str) -> None:
    """There is no id to aim at: an upload is always the caller's own avatar."""
    ada, eve = sign_up(gateway), sign_up(gateway)
    ada_url = upload(gateway, ada, PNG).json()["data"]["uploadAvatar"]["imageUrl"]
    eve_url = upload(gateway, eve, WEBP).json()["data"]["uploadAvatar"]["imageUrl"]
    assert avatar_of(gateway, ada) == ada_url
    assert avatar_of(gateway, eve) == eve_url
    assert request(ada_url, "GET", None, {}).body == PNG  # Eve's upload left Ada's file alone


def imagine(url: str, token: str | None, photos: list[bytes], claimed: str = "image/png") -> Answer:
    files = [(f"variables.photos.{n}", photo) for n, photo in enumerate(photos)]
    variables = {"prompt": "me as an astronaut", "photos": [None] * len(photos)}
    return send_files(url, token, IMAGINE, variables, files, claimed)


def creations_of(url: str, token: str) -> list[dict[str, object]]:
    query = "{ me { imagineMe { id sourcePhotoUrls } } }"
    me = require_data(post_graphql(url, query, {}, token=token), query)["me"]
    return list(me["imagineMe"])


def test_imagine_me_keeps_its_source_photos_privately(gateway: str) -> None:
    token = sign_up(gateway)
    answer = imagine(gateway, token, [PNG, JPEG])
    assert answer.status == 200, answer.body
    created = answer.json()["data"]["createImagineMe"]
    urls = created["sourcePhotoUrls"]
    assert creations_of(gateway, token) == [created]
    served = [request(u, "GET", None, {}) for u in urls]
    assert [s.body for s in served] == [PNG, JPEG]
    assert [s.headers["content-type"] for s in served] == ["image/png", "image/jpeg"]
    assert all(s.headers["cache-control"].startswith("private") for s in served)
    assert all(s.headers["x-content-type-options"] == "nosniff" for s in served)
    # The address is the capability: 144 random bits, not an ObjectId that could be guessed.
    file_id = urls[0].rsplit("/", 1)[1]
    assert len(file_id) == 24
    assert not all(c in "0123456789abcdef" for c in file_id)
    # Without photos, the prompt alone still works.
    alone = imagine(gateway, token, [])
    assert alone.json()["data"]["createImagineMe"]["sourcePhotoUrls"] == []


def test_deleting_a_creation_deletes_its_photos(gateway: str) -> None:
    token = sign_up(gateway)
    kept = imagine(gateway, token, [WEBP]).json()["data"]["createImagineMe"]
    gone = imagine(gateway, token, [PNG]).json()["data"]["createImagineMe"]
    delete = "mutation ($id: ID!) { deleteImagineMe(id: $id) }"
    assert require_data(post_graphql(gateway, delete, {"id": gone["id"]}, token=token), delete)
    assert request(gone["sourcePhotoUrls"][0], "GET", None, {}).status == 404
    assert request(kept["sourcePhotoUrls"][0], "GET", None, {}).body == WEBP


def test_source_photos_are_checked_before_anything_is_stored(gateway: str) -> None:
    token = sign_up(gateway)
    fake = imagine(gateway, token, [PNG, b"<svg onload=alert(1)>"])
    assert codes(fake) == ["BAD_USER_INPUT"]
    assert "Source photo 2" in fake.json()["errors"][0]["message"]
    four = imagine(gateway, token, [PNG] * 4)
    assert four.status == 413
    assert codes(four) == ["FILE_UPLOADS_LIMITS_MAX_FILES_EXCEEDED"]
    assert creations_of(gateway, token) == []
    anonymous = imagine(gateway, None, [PNG])
    assert codes(anonymous) == ["UNAUTHORIZED_FIELD_OR_TYPE"]


def test_nobody_else_sees_the_photos_addresses(gateway: str) -> None:
    ada, eve = sign_up(gateway), sign_up(gateway)
    url = imagine(gateway, ada, [PNG]).json()["data"]["createImagineMe"]["sourcePhotoUrls"][0]
    assert creations_of(gateway, eve) == []
    base = url.rsplit("/", 1)[0]
    for guess in ("A" * 24, "5f0c6e3b9d1a4c2b8e7f6a5d", "x"):
        assert request(f"{base}/{guess}", "GET", None, {}).status == 404
    assert request(url, "GET", None, {}).body == PNG

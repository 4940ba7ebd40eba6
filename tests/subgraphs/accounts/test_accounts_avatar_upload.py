"""Avatar uploads end to end: a GraphQL multipart request through the real gateway (with the
shipped `schema/gateway.yaml`) to the real accounts subgraph, stored in GridFS on FerretDB and
served back at the URL the avatar shows.
"""

from __future__ import annotations

import http.client
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
import pytest

from devstack.database import drop_prefixed, new_prefix
from devstack.graphql_client import post_graphql, require_data
from devstack.processes import Service, free_port
from devstack.stack import gateway_env, start_gateway, start_subgraphs, stop_all

pytestmark = pytest.mark.integration

SUPERGRAPH = Path(__file__).resolve().parents[3] / "schema" / "supergraph.graphql"
BOUNDARY = "avatar-test-boundary"
UPLOAD = "mutation ($file: Upload!) { uploadAvatar(file: $file) { imageUrl } }"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 400  # about 100 KB, several GridFS chunks
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x01" * 500


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return orjson.loads(self.body)


@pytest.fixture(scope="module")
def gateway(mongodb_uri: str, test_output_root: Path) -> Iterator[str]:
    prefix = new_prefix()
    log_dir = test_output_root / "accounts-avatar-upload"
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


def request(url: str, method: str, body: bytes | None, headers: dict[str, str]) -> Answer:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        connection.request(method, parts.path, body=body, headers=headers)
        response = connection.getresponse()
        found = {k.lower(): v for k, v in response.getheaders()}
        return Answer(response.status, found, response.read())
    finally:
        connection.close()


def upload(url: str, token: str | None, content: bytes, claimed: str = "image/png") -> Answer:
    operations = orjson.dumps({"query": UPLOAD, "variables": {"file": None}})
    raw = b""
    for name, value, extra in (
        ("operations", operations, ""),
        ("map", b'{"0": ["variables.file"]}', ""),
        ("0", content, f'; filename="me.png"\r\nContent-Type: {claimed}'),
    ):
        raw += (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"{extra}\r\n\r\n'.encode()
        )
        raw += value + b"\r\n"
    raw += f"--{BOUNDARY}--\r\n".encode()
    headers = {
        "content-type": f"multipart/form-data; boundary={BOUNDARY}",
        "apollo-require-preflight": "true",
    }
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    return request(url, "POST", raw, headers)


def sign_up(url: str) -> str:
    query = "mutation($i: SignUpInput!) { signUp(input: $i) { token } }"
    details = {
        "email": f"u-{uuid.uuid4().hex[:10]}@example.com",
        "password": "avatar-upload-password",
        "displayName": "Ada",
        "region": "EU",
    }
    response = post_graphql(url, query, {"i": details})
    token: str = require_data(response, query)["signUp"]["token"]
    return token


def avatar_of(url: str, token: str) -> str | None:
    query = "{ me { avatar { imageUrl } } }"
    me = require_data(post_graphql(url, query, {}, token=token), query)["me"]
    return None if me["avatar"] is None else str(me["avatar"]["imageUrl"])


def codes(answer: Answer) -> list[str]:
    return [error["extensions"]["code"] for error in answer.json()["errors"]]


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

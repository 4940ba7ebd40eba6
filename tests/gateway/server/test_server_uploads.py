"""File uploads through a real gateway process to a real Strawberry subgraph over HTTP.

The client sends a GraphQL multipart request; the gateway reads it within its limits and
streams the file to the subgraph that owns the mutation, as a multipart request of its own.
The subgraph answers what arrived (size, digest, the client's filename and type).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from devstack.processes import Service
from tests.gateway.server.server_support import Reply, call, start_gateway_process
from tests.gateway.server.test_server_uploads_reading import BOUNDARY, body

UPLOAD = "mutation ($file: Upload!) { upload(file: $file) { filename contentType size sha256 } }"
PREFLIGHT = {"apollo-require-preflight": "true"}


@pytest.fixture(scope="module")
def uploads(supergraph_file: Path, server_dir: Path) -> Iterator[Service]:
    env = {
        "GATEWAY_UPLOADS_ENABLED": "true",
        "GATEWAY_UPLOADS_MAX_FILES": "2",
        "GATEWAY_UPLOADS_MAX_FILE_SIZE": str(300 * 1024),
    }
    service = start_gateway_process(
        ["--supergraph", str(supergraph_file)], server_dir / "gateway-uploads.log", env
    )
    try:
        yield service
    finally:
        service.stop()


def send(port: int, raw: bytes, headers: dict[str, str] | None = None) -> Reply:
    sent = {"content-type": f"multipart/form-data; boundary={BOUNDARY}", **PREFLIGHT}
    sent.update(headers or {})
    return call(port, "POST", "/graphql", raw, sent)


def upload_body(content: bytes, filename: str = "photo.png", query: str = UPLOAD) -> bytes:
    operations = orjson.dumps({"query": query, "variables": {"file": None}})
    return body(
        [
            ("operations", operations, None),
            ("map", b'{"0": ["variables.file"]}', None),
            ("0", content, filename),
        ]
    )


def codes(reply: Reply) -> list[str]:
    return [e["extensions"]["code"] for e in reply.json()["errors"]]


def test_a_file_reaches_the_subgraph_whole(uploads: Service) -> None:
    """200 KB (more than one spool chunk and one socket read) arrive byte for byte."""
    content = bytes(range(256)) * 800
    reply = send(uploads.port, upload_body(content))
    assert reply.status == 200, reply.body
    assert reply.json() == {
        "data": {
            "upload": {
                "filename": "photo.png",
                "contentType": "image/png",
                "size": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
            }
        }
    }


def test_limits_are_enforced_with_codes(uploads: Service) -> None:
    too_big = send(uploads.port, upload_body(b"x" * (300 * 1024 + 1)))
    assert too_big.status == 413
    assert codes(too_big) == ["FILE_UPLOADS_LIMITS_MAX_FILE_SIZE_EXCEEDED"]
    three = body(
        [
            ("operations", orjson.dumps({"query": UPLOAD, "variables": {"file": None}}), None),
            (
                "map",
                b'{"0": ["variables.file"], "1": ["variables.file"], "2": ["variables.file"]}',
                None,
            ),
            ("0", b"a", "a.png"),
            ("1", b"b", "b.png"),
            ("2", b"c", "c.png"),
        ]
    )
    assert codes(send(uploads.port, three)) == ["FILE_UPLOADS_LIMITS_MAX_FILES_EXCEEDED"]


def test_a_multipart_request_needs_a_preflight_header(uploads: Service) -> None:
    """multipart/form-data is a form a browser posts cross-site without asking (CSRF)."""
    raw = upload_body(b"data")
    reply = call(
        uploads.port,
        "POST",
        "/graphql",
        raw,
        {"content-type": f"multipart/form-data; boundary={BOUNDARY}"},
    )
    assert codes(reply) == ["CSRF_PREVENTION"]


def test_a_malformed_request_is_a_clear_error(uploads: Service) -> None:
    reply = send(uploads.port, body([("map", b"{}", None), ("operations", b"{}", None)]))
    assert reply.status == 400
    assert codes(reply) == ["FILE_UPLOADS_OPERATION_CANNOT_STREAM"]


def test_uploads_are_off_unless_enabled(gateway: Service) -> None:
    reply = send(gateway.port, upload_body(b"data"))
    assert reply.status == 415
    assert codes(reply) == ["UNSUPPORTED_MEDIA_TYPE"]

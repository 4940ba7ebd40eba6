"""GraphQL multipart requests (the upload spec) sent by hand, for the upload tests.

By hand, with `http.client`, so the tests control every byte a client could send: the parts,
the claimed content types, and what the gateway answers before any subgraph is asked.
"""

from __future__ import annotations

import http.client
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import orjson

from devstack.graphql_client import post_graphql, require_data

BOUNDARY = "upload-test-boundary"


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return orjson.loads(self.body)


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


def send_files(
    url: str,
    token: str | None,
    query: str,
    variables: Mapping[str, Any],
    files: Sequence[tuple[str, bytes]],
    claimed: str = "image/png",
) -> Answer:
    """POST one multipart request: each file (variable path, bytes) as its own part."""
    operations = orjson.dumps({"query": query, "variables": variables})
    mapping = orjson.dumps({str(n): [path] for n, (path, _) in enumerate(files)})
    parts: list[tuple[str, bytes, str]] = [("operations", operations, ""), ("map", mapping, "")]
    for n, (_, content) in enumerate(files):
        parts.append((str(n), content, f'; filename="{n}.png"\r\nContent-Type: {claimed}'))
    raw = b""
    for name, value, extra in parts:
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
        "password": "upload-test-password",
        "displayName": "Ada",
        "region": "EU",
    }
    response = post_graphql(url, query, {"i": details})
    token: str = require_data(response, query)["signUp"]["token"]
    return token


def codes(answer: Answer) -> list[str]:
    return [error["extensions"]["code"] for error in answer.json()["errors"]]

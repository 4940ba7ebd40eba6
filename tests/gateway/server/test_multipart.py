"""Which `Accept` headers get `@defer` answered as multipart, and the bytes of the stream."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from gateway.server.multipart import MULTIPART_MIXED, accepts_multipart, multipart_response


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("multipart/mixed", True),
        ('multipart/mixed; deferSpec="20220824"', True),
        ("application/json, multipart/mixed;deferSpec=20220824;q=0.5", True),
        ("multipart/mixed;q=0", False),
        ("multipart/mixed;deferSpec=20230101", False),
        ("multipart/mixed;q=nope", False),
        ("application/json", False),
        ("*/*", False),
        (None, False),
    ],
)
def test_accepts_multipart(accept: str | None, expected: bool) -> None:
    assert accepts_multipart(accept) is expected


async def _rest(*parts: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
    for part in parts:
        yield part


async def _body(first: dict[str, Any], rest: AsyncIterator[dict[str, Any]]) -> bytes:
    response = multipart_response(first, rest)
    assert response.media_type == MULTIPART_MIXED
    assert response.graphql_body is first
    return b"".join([c async for c in response.body_iterator])  # type: ignore[misc]


async def test_each_part_is_followed_by_its_delimiter_and_the_last_closes() -> None:
    last = {"incremental": [{"data": {"b": 2}, "path": []}], "hasNext": False}
    body = await _body({"data": {"a": 1}, "hasNext": True}, _rest(last))
    head = b"content-type: application/json; charset=utf-8\r\n\r\n"
    assert body == (
        b"\r\n---\r\n" + head + b'{"data":{"a":1},"hasNext":true}\r\n---\r\n'
        + head + b'{"incremental":[{"data":{"b":2},"path":[]}],"hasNext":false}\r\n-----\r\n'
    )  # fmt: skip


async def test_a_stream_that_breaks_still_closes() -> None:
    async def broken() -> AsyncIterator[dict[str, Any]]:
        yield {"hasNext": True}
        raise RuntimeError("a bug")

    body = await _body({"data": {}, "hasNext": True}, broken())
    assert body.endswith(b'{"hasNext":false}\r\n-----\r\n')

"""Reading GraphQL multipart requests (`gateway/server/uploads.py`): the spec's parts, the
limits and every malformed shape answered with Apollo Router's codes, never an exception.

The bodies are real `multipart/form-data` bytes as clients send them, fed in small chunks the
way a server receives them; no sockets are needed to read a body.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import orjson
import pytest

from gateway.server.params import RequestProblem
from gateway.server.uploads import (
    CANNOT_STREAM,
    MAX_FILE_SIZE_EXCEEDED,
    MAX_FILES_EXCEEDED,
    MultipartUpload,
    UploadLimits,
    read_multipart,
)
from gateway.transports import FileUpload

BOUNDARY = "----gateway-test-boundary"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
QUERY = "mutation ($file: Upload!) { uploadAvatar(file: $file) { imageUrl } }"
LIMITS = UploadLimits(max_files=2, max_file_size=1024, max_body_bytes=4096)


def body(parts: list[tuple[str, bytes, str | None]]) -> bytes:
    """`(name, content, filename)` parts; a filename makes the part a file."""
    out = b""
    for name, content, filename in parts:
        disposition = f'form-data; name="{name}"'
        extra = ""
        if filename is not None:
            disposition += f'; filename="{filename}"'
            extra = "Content-Type: image/png\r\n"
        out += (
            f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n{extra}\r\n".encode()
            + content
            + b"\r\n"
        )
    return out + f"--{BOUNDARY}--\r\n".encode()


def operations(variables: object) -> bytes:
    return orjson.dumps({"query": QUERY, "variables": variables})


async def read(raw: bytes, limits: UploadLimits = LIMITS) -> MultipartUpload | RequestProblem:
    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(raw), 100):
            yield raw[start : start + 100]

    headers = {
        "content-type": f"multipart/form-data; boundary={BOUNDARY}",
        "content-length": str(len(raw)),
    }
    return await read_multipart(headers, chunks(), limits)


def problem(result: MultipartUpload | RequestProblem) -> RequestProblem:
    assert isinstance(result, RequestProblem), result
    return result


async def test_files_are_put_where_the_map_says() -> None:
    raw = body(
        [
            ("operations", operations({"file": None, "more": [None, {"f": None}]}), None),
            (
                "map",
                b'{"0": ["variables.file"], "1": ["variables.more.0", "variables.more.1.f"]}',
                None,
            ),
            ("0", PNG, "me.png"),
            ("1", b"second", "b.txt"),
        ]
    )
    result = await read(raw)
    assert isinstance(result, MultipartUpload), result
    variables = result.request.variables
    assert variables is not None
    first, second = result.files
    assert variables["file"] is first
    assert variables["more"][0] is second
    assert variables["more"][1]["f"] is second
    assert (first.filename, first.content_type, first.size) == ("me.png", "image/png", len(PNG))
    assert b"".join([c async for c in first.chunks()]) == PNG
    assert result.request.query == QUERY
    result.close()
    assert first.file.closed


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ([("map", b"{}", None)], "'operations'"),
        ([("operations", operations({"file": None}), None), ("0", PNG, "a.png")], "'map'"),
        ([("operations", b"[]", None), ("map", b"{}", None)], "Batched"),
        ([("operations", b"{nope", None), ("map", b"{}", None)], "Invalid JSON"),
        (
            [
                ("operations", operations({"file": None}), None),
                ("map", b'{"0": ["variables.file"]}', None),
            ],
            "Missing files",
        ),
        (
            [
                ("operations", operations({"file": None}), None),
                ("map", b'{"0": ["query"]}', None),
                ("0", PNG, "a.png"),
            ],
            "should start with 'variables.'",
        ),
        (
            [
                ("operations", operations({"file": "taken"}), None),
                ("map", b'{"0": ["variables.file"]}', None),
                ("0", PNG, "a.png"),
            ],
            "does not point to a null",
        ),
        (
            [
                ("operations", operations({"file": None}), None),
                ("map", b'{"0": ["variables.file"]}', None),
                ("0", PNG, "a.png"),
                ("stray", PNG, "b.png"),
            ],
            "not named in 'map'",
        ),
    ],
)
async def test_malformed_requests_are_refused_with_a_code(
    parts: list[tuple[str, bytes, str | None]], message: str
) -> None:
    refused = problem(await read(body(parts)))
    assert (refused.code, refused.status) == (CANNOT_STREAM, 400)
    assert message in refused.message


async def test_a_file_over_the_size_limit_is_refused() -> None:
    raw = body(
        [
            ("operations", operations({"file": None}), None),
            ("map", b'{"0": ["variables.file"]}', None),
            ("0", b"x" * 1025, "big.png"),
        ]
    )
    refused = problem(await read(raw))
    assert (refused.code, refused.status) == (MAX_FILE_SIZE_EXCEEDED, 413)
    assert "big.png" in refused.message
    allowed = await read(raw.replace(b"x" * 1025, b"x" * 1024))
    assert isinstance(allowed, MultipartUpload)


async def test_more_files_than_allowed_are_refused() -> None:
    raw = body(
        [
            ("operations", operations({"a": None, "b": None, "c": None}), None),
            ("map", b'{"0": ["variables.a"], "1": ["variables.b"], "2": ["variables.c"]}', None),
            ("0", PNG, "a.png"),
            ("1", PNG, "b.png"),
            ("2", PNG, "c.png"),
        ]
    )
    refused = problem(await read(raw))
    assert (refused.code, refused.status) == (MAX_FILES_EXCEEDED, 413)


async def test_a_body_past_every_bound_is_cut_off_as_it_arrives() -> None:
    """A huge body is refused by its declared length, or while streaming when it lies."""
    huge = body(
        [
            ("operations", operations({"file": None}), None),
            ("map", b'{"0": ["variables.file"]}', None),
            ("0", b"x" * (LIMITS.max_total_bytes + 1), "huge.png"),
        ]
    )
    assert problem(await read(huge)).code == MAX_FILE_SIZE_EXCEEDED

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(huge), 4096):
            yield huge[start : start + 4096]

    headers = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}
    refused = problem(await read_multipart(headers, chunks(), LIMITS))
    assert (refused.code, refused.status) == (MAX_FILE_SIZE_EXCEEDED, 413)


async def test_an_oversized_operations_field_is_refused() -> None:
    raw = body(
        [
            ("operations", b'{"query": "' + b" " * 5000 + b'"}', None),
            ("map", b"{}", None),
        ]
    )
    assert problem(await read(raw)).code == CANNOT_STREAM


def test_file_upload_is_not_json() -> None:
    """A file left in variables can never be sent as JSON by mistake."""
    with open("/dev/null", "rb") as empty:
        upload = FileUpload(part="0", filename=None, content_type=None, size=0, file=empty)
        with pytest.raises(TypeError):
            orjson.dumps({"file": upload})


async def test_other_bodies_and_a_missing_boundary_are_refused() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"{}"

    for content_type in ("application/json", "multipart/form-data"):
        refused = problem(await read_multipart({"content-type": content_type}, chunks(), LIMITS))
        assert refused.code == CANNOT_STREAM

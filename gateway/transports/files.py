"""Uploaded files as they cross the transport: where they sit in a subgraph's variables, and
the multipart body (the GraphQL multipart request spec) that carries them to the subgraph.

The server reads a client's files into `FileUpload`s (spooled, bounded; `server/uploads.py`)
and puts each at its place in the variables; the executor hands a subgraph only the variables
its operation uses, so a fetch carries files exactly when its variables hold some. The
transport then sends `operations` (the files as null), `map` and the files, read from their
spool in chunks: nothing is held in memory whole.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

import orjson

__all__ = ["CHUNK_BYTES", "FileUpload", "files_in", "multipart_parts"]

CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class FileUpload:
    """One uploaded file: what the client said about it, its size and its spooled bytes.

    `content_type` is the client's claim; whoever stores the file checks the bytes. Not JSON
    serialisable on purpose, so a file can never be sent inside a JSON body by mistake."""

    part: str
    filename: str | None
    content_type: str | None
    size: int
    file: IO[bytes]

    async def chunks(self) -> AsyncIterator[bytes]:
        """The bytes from the start, `CHUNK_BYTES` at a time."""
        self.file.seek(0)
        while chunk := self.file.read(CHUNK_BYTES):
            yield chunk


def _walk(value: Any, path: str) -> Iterator[tuple[str, FileUpload]]:
    if isinstance(value, FileUpload):
        yield path, value
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _walk(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _walk(inner, f"{path}.{index}")


def files_in(variables: Mapping[str, Any]) -> list[tuple[str, FileUpload]]:
    """Every file in these variables with its operations path (`variables.file`)."""
    return list(_walk(variables, "variables"))


def _nulled(value: Any) -> Any:
    if isinstance(value, FileUpload):
        return None
    if isinstance(value, Mapping):
        return {key: _nulled(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_nulled(inner) for inner in value]
    return value


def multipart_parts(body: Mapping[str, Any]) -> tuple[bytes, bytes, list[FileUpload]]:
    """`operations` (files as null) and `map` as JSON, and the files in map order.

    A file used at several paths is sent once, its paths listed together."""
    located = files_in(body.get("variables") or {})
    order: list[FileUpload] = []
    paths: dict[int, list[str]] = {}
    for path, upload in located:
        if id(upload) not in paths:
            order.append(upload)
            paths[id(upload)] = []
        paths[id(upload)].append(path)
    operations = orjson.dumps({**body, "variables": _nulled(body.get("variables") or {})})
    mapping = orjson.dumps({str(i): paths[id(u)] for i, u in enumerate(order)})
    return operations, mapping, order

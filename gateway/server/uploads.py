"""Reading a GraphQL multipart request (jaydenseric's multipart request spec), within limits.

A client uploads files as `multipart/form-data` with three kinds of parts, in this order:
`operations` (the JSON request, with `null` where each file goes), `map` (JSON: each file
part's name to the `variables.` paths it fills) and the file parts. The result is the
`GraphQLRequest` with a `FileUpload` at each mapped path, so variable coercion (the `Upload`
scalar takes any value) and planning see where the files are.

Memory stays bounded: Starlette's multipart parser (python-multipart) spools each file to a
temporary file that moves to disk past `SPOOL_BYTES`; `operations` and `map` are bounded by
`max_body_bytes`; and the body as a whole is cut off at `max_files * max_file_size` plus that,
so the disk used is bounded too. A file over `max_file_size` is refused once the parser has
it; a body over the whole bound is refused as it arrives.

Error codes are Apollo Router's (`FILE_UPLOADS_LIMITS_MAX_FILES_EXCEEDED`,
`FILE_UPLOADS_LIMITS_MAX_FILE_SIZE_EXCEEDED`, and `FILE_UPLOADS_OPERATION_CANNOT_STREAM` for a
request that does not follow the spec), so clients written against it read ours the same way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.datastructures import Headers, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from gateway.runtime import GraphQLRequest
from gateway.server.params import RequestProblem, from_json
from gateway.transports import FileUpload

__all__ = [
    "CANNOT_STREAM",
    "MAX_FILES_EXCEEDED",
    "MAX_FILE_SIZE_EXCEEDED",
    "FileUpload",
    "MultipartUpload",
    "UploadLimits",
    "is_multipart_form",
    "read_multipart",
]

CANNOT_STREAM = "FILE_UPLOADS_OPERATION_CANNOT_STREAM"
MAX_FILES_EXCEEDED = "FILE_UPLOADS_LIMITS_MAX_FILES_EXCEEDED"
MAX_FILE_SIZE_EXCEEDED = "FILE_UPLOADS_LIMITS_MAX_FILE_SIZE_EXCEEDED"
SPOOL_BYTES = 64 * 1024
"""A file stays in memory up to this size, then goes to a temporary file on disk."""
_PART_OVERHEAD = 4096
"""Room per part for its boundary and headers when bounding the whole body."""


@dataclass(frozen=True, slots=True, kw_only=True)
class UploadLimits:
    """How much one multipart request may carry."""

    max_files: int = 5
    max_file_size: int = 1024 * 1024
    max_body_bytes: int = 1024 * 1024
    """For `operations` and `map` (each), as for a JSON body."""

    @property
    def max_total_bytes(self) -> int:
        parts = self.max_files + 2
        return (
            2 * self.max_body_bytes + self.max_files * self.max_file_size + parts * _PART_OVERHEAD
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class MultipartUpload:
    """A multipart request read: the GraphQL request (files in its variables) and the files."""

    request: GraphQLRequest
    files: tuple[FileUpload, ...] = field(default=())

    def close(self) -> None:
        """Drop the spooled files (their temporary files on disk go with them)."""
        for upload in self.files:
            upload.file.close()


class _TooLarge(Exception):
    pass


async def _bounded(stream: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    size = 0
    async for chunk in stream:
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        yield chunk


def _problem(message: str, code: str = CANNOT_STREAM, status: int = 400) -> RequestProblem:
    return RequestProblem(message=message, code=code, status=status)


async def read_multipart(
    headers: Mapping[str, str], stream: AsyncIterator[bytes], limits: UploadLimits
) -> MultipartUpload | RequestProblem:
    """The request a multipart body carries, or why it cannot be read (never an exception)."""
    media = headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "multipart/form-data":
        return _problem("A file upload is sent as multipart/form-data.")
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_total_bytes:
        return _too_large(limits)
    parser = MultiPartParser(
        Headers(headers=dict(headers)),
        _bounded(stream, limits.max_total_bytes),  # type: ignore[arg-type]
        max_files=limits.max_files,
        max_fields=2,
        max_part_size=limits.max_body_bytes,
    )
    parser.spool_max_size = SPOOL_BYTES
    try:
        form = await parser.parse()
    except _TooLarge:
        return _too_large(limits)
    except MultiPartException as error:
        if error.message.startswith("Too many files"):
            message = f"Exceeded the limit of {limits.max_files} file uploads in a single request."
            return _problem(message, MAX_FILES_EXCEEDED, 413)
        return _problem(f"Invalid multipart request: {error.message}")
    items = form.multi_items()
    files = [(name, value) for name, value in items if isinstance(value, UploadFile)]
    uploads = tuple(
        FileUpload(
            part=name,
            filename=value.filename,
            content_type=value.content_type,
            size=value.size or 0,
            file=value.file,
        )
        for name, value in files
    )
    read = _read_parts(items, uploads, limits)
    if isinstance(read, RequestProblem):
        for upload in uploads:
            upload.file.close()
        return read
    return MultipartUpload(request=read, files=uploads)


def _read_parts(
    items: list[tuple[str, Any]], uploads: tuple[FileUpload, ...], limits: UploadLimits
) -> GraphQLRequest | RequestProblem:
    """`operations`, then `map`, then the files it names, each put at its paths."""
    names = [name for name, _ in items]
    if not names or names[0] != "operations":
        return _problem("Missing multipart field 'operations', it should be the first field.")
    if len(names) < 2 or names[1] != "map":
        return _problem("Missing multipart field 'map', it should be the second field.")
    for upload in uploads:
        if upload.size > limits.max_file_size:
            message = (
                f"Exceeded the limit of {limits.max_file_size} bytes on file "
                f"'{upload.filename or upload.part}'."
            )
            return _problem(message, MAX_FILE_SIZE_EXCEEDED, 413)
    operations = _json(items[0][1], "operations")
    mapping = _json(items[1][1], "map")
    if isinstance(operations, RequestProblem):
        return operations
    if isinstance(mapping, RequestProblem):
        return mapping
    if isinstance(operations, list):
        return _problem("Batched requests are not supported for file uploads.")
    if not isinstance(operations, dict):
        return _problem("The 'operations' field must be a JSON object.")
    problem = _place_files(operations, mapping, {u.part: u for u in uploads})
    if problem is not None:
        return problem
    request = from_json(operations)
    if isinstance(request, RequestProblem):
        return request
    files = frozenset(path.split(".")[1] for paths in mapping.values() for path in paths)
    return dataclasses.replace(request, file_variables=files)


def _json(value: object, name: str) -> Any:
    if not isinstance(value, str):
        return _problem(f"The '{name}' field must be JSON text, not a file.")
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError as error:
        return _problem(f"Invalid JSON in the '{name}' multipart field: {error}.")


def _place_files(
    operations: dict[str, Any], mapping: object, files: dict[str, FileUpload]
) -> RequestProblem | None:
    """Put each file where `map` says; every path must name a null inside `variables`."""
    if not isinstance(mapping, dict) or not all(
        isinstance(paths, list) and all(isinstance(p, str) for p in paths)
        for paths in mapping.values()
    ):
        return _problem("The 'map' field must be a JSON object of arrays of paths.")
    missing = sorted(name for name in mapping if name not in files)
    if missing:
        return _problem(f"Missing files in the request: {', '.join(missing)}.")
    unmapped = sorted(name for name in files if name not in mapping)
    if unmapped:
        return _problem(f"Files not named in 'map': {', '.join(unmapped)}.")
    for name, paths in mapping.items():
        for path in paths:
            problem = _place(operations, path, files[name])
            if problem is not None:
                return problem
    return None


def _place(operations: dict[str, Any], path: str, upload: FileUpload) -> RequestProblem | None:
    segments = path.split(".")
    if segments[0] != "variables":
        return _problem(f"Invalid path '{path}' found inside 'map' field, it should start with "
                        "'variables.'.")  # fmt: skip
    if len(segments) < 2 or not segments[1]:
        return _problem(
            f"Invalid path '{path}' found inside 'map' field, missing name of variable."
        )
    container: Any = operations
    for segment in segments[:-1]:
        container = _step(container, segment)
        if container is None:
            break
    last = segments[-1]
    if isinstance(container, dict) and last in container and container[last] is None:
        container[last] = upload
        return None
    index = int(last) if last.isdigit() else -1
    if isinstance(container, list) and 0 <= index < len(container) and container[index] is None:
        container[index] = upload
        return None
    return _problem(
        f"Invalid path '{path}' found inside 'map' field, it does not point to a null "
        "inside the 'operations' field."
    )


def _step(container: Any, segment: str) -> Any:
    if isinstance(container, dict):
        return container.get(segment)
    if isinstance(container, list) and segment.isdigit() and int(segment) < len(container):
        return container[int(segment)]
    return None


def _too_large(limits: UploadLimits) -> RequestProblem:
    message = (
        f"The upload is larger than {limits.max_files} files of {limits.max_file_size} bytes "
        "and their operation."
    )
    return _problem(message, MAX_FILE_SIZE_EXCEEDED, 413)


def is_multipart_form(content_type: str | None) -> bool:
    """Whether a POST is a multipart request (a file upload, when uploads are on)."""
    return (content_type or "").split(";")[0].strip().lower() == "multipart/form-data"

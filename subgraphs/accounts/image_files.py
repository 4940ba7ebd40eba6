"""Uploaded images, kept in MongoDB GridFS and served by URL: avatars and Imagine Me photos.

Two buckets, one class. `avatars` holds the shared avatar, which every platform shows to
anyone, so its ids are ObjectIds. `imagine_sources` holds the photos a person gives Imagine Me
to work from: private, so each file's id is 144 random bits and its URL is a capability that
only the owner's own answers contain (an image tag cannot send a token).

GridFS because an image is larger than a document should be and the data must live with the
rest of the person's (backups, replicas, one database per subgraph). FerretDB 1.24 runs
PyMongo's `AsyncGridFSBucket` unchanged (`avatars.files` and `avatars.chunks`, with their
indexes), checked by the tests that upload through it.

The client's content type is never trusted: the first bytes must be one of the image formats
every platform shows (PNG, JPEG, GIF, WebP), and that format is what the file is served as,
with `nosniff`. Each upload is a new file with a new id (the URL never changes meaning, so it
may be cached for good); the person's previous upload is deleted once the new one is theirs.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, Protocol

from bson import ObjectId
from gridfs import AsyncGridFSBucket, NoFile

from subgraphs.common.database import MongoDatabase

__all__ = [
    "MAX_IMAGE_BYTES",
    "ImageFile",
    "ImageFiles",
    "image_type",
    "read_upload",
]

MAX_IMAGE_BYTES = 1024 * 1024
_PRIVATE_ID = re.compile(r"[A-Za-z0-9_-]{24}")
_READ_BYTES = 64 * 1024
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def image_type(head: bytes) -> str | None:
    """The image format the bytes start with (their magic numbers), or None."""
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


class Readable(Protocol):
    async def read(self, size: int = -1) -> bytes: ...


async def read_upload(upload: Readable, limit: int = MAX_IMAGE_BYTES) -> bytes | None:
    """The upload's bytes, or None once it passes `limit` (reading stops there)."""
    chunks: list[bytes] = []
    size = 0
    while chunk := await upload.read(_READ_BYTES):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


@dataclass(frozen=True, slots=True)
class ImageFile:
    content_type: str
    length: int
    chunks: AsyncIterator[bytes]


class ImageFiles:
    """One GridFS bucket of the accounts database; `private` buckets get unguessable ids."""

    def __init__(self, database: MongoDatabase, bucket: str, *, private: bool = False) -> None:
        self._bucket = AsyncGridFSBucket(database, bucket_name=bucket)
        self._private = private

    async def store(self, person_id: str, data: bytes, content_type: str, **metadata: str) -> str:
        """Save one image for `person_id`; its new file id."""
        meta = {"personId": person_id, "contentType": content_type, **metadata}
        if not self._private:
            file_id = await self._bucket.upload_from_stream("image", data, metadata=meta)
            return str(file_id)
        token = secrets.token_urlsafe(18)
        await self._bucket.upload_from_stream_with_id(token, "image", data, metadata=meta)
        return token

    async def delete_matching(
        self, person_id: str, keep: str | None = None, **metadata: str
    ) -> None:
        """Remove the person's files with this metadata, all but `keep`."""
        query: dict[str, Any] = {"metadata.personId": person_id}
        query.update({f"metadata.{key}": value for key, value in metadata.items()})
        if keep is not None:
            query["_id"] = {"$ne": self._key(keep)}
        async for old in self._bucket.find(query):
            with suppress(NoFile):  # removed meanwhile by another request
                await self._bucket.delete(old._id)

    def _key(self, file_id: str) -> object:
        return file_id if self._private else ObjectId(file_id)

    def _valid(self, file_id: str) -> bool:
        return bool(_PRIVATE_ID.fullmatch(file_id)) if self._private else ObjectId.is_valid(file_id)

    async def open(self, file_id: str) -> ImageFile | None:
        """The stored image, read chunk by chunk, or None for an unknown id."""
        if not self._valid(file_id):
            return None
        try:
            stream = await self._bucket.open_download_stream(self._key(file_id))
        except NoFile:
            return None
        metadata = stream.metadata or {}

        async def chunks() -> AsyncIterator[bytes]:
            try:
                while chunk := await stream.readchunk():
                    yield chunk
            finally:
                await stream.close()

        return ImageFile(str(metadata.get("contentType")), stream.length, chunks())

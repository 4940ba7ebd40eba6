"""Uploaded avatar images, kept in MongoDB GridFS (the `avatars` bucket) and served by URL.

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

from collections.abc import AsyncIterator
from contextlib import suppress
from dataclasses import dataclass
from typing import Protocol

from bson import ObjectId
from gridfs import AsyncGridFSBucket, NoFile

from subgraphs.common.database import MongoDatabase

__all__ = ["MAX_AVATAR_BYTES", "AvatarFile", "AvatarFiles", "image_type", "read_upload"]

MAX_AVATAR_BYTES = 1024 * 1024
BUCKET = "avatars"
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


async def read_upload(upload: Readable, limit: int = MAX_AVATAR_BYTES) -> bytes | None:
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
class AvatarFile:
    content_type: str
    length: int
    chunks: AsyncIterator[bytes]


class AvatarFiles:
    """The `avatars` GridFS bucket of the accounts database."""

    def __init__(self, database: MongoDatabase) -> None:
        self._bucket = AsyncGridFSBucket(database, bucket_name=BUCKET)

    async def store(self, person_id: str, data: bytes, content_type: str) -> str:
        """Save one image for `person_id`; its new file id."""
        metadata = {"personId": person_id, "contentType": content_type}
        file_id = await self._bucket.upload_from_stream("avatar", data, metadata=metadata)
        return str(file_id)

    async def delete_others(self, person_id: str, keep: str) -> None:
        """Remove the person's earlier uploads, now that `keep` is their avatar."""
        cursor = self._bucket.find({"metadata.personId": person_id, "_id": {"$ne": ObjectId(keep)}})
        async for old in cursor:
            with suppress(NoFile):  # removed meanwhile by another request
                await self._bucket.delete(old._id)

    async def open(self, file_id: str) -> AvatarFile | None:
        """The stored image, read chunk by chunk, or None for an unknown id."""
        if not ObjectId.is_valid(file_id):
            return None
        try:
            stream = await self._bucket.open_download_stream(ObjectId(file_id))
        except NoFile:
            return None
        metadata = stream.metadata or {}

        async def chunks() -> AsyncIterator[bytes]:
            try:
                while chunk := await stream.readchunk():
                    yield chunk
            finally:
                await stream.close()

        return AvatarFile(str(metadata.get("contentType")), stream.length, chunks())

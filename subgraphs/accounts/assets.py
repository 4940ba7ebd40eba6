"""Mutations for the shared assets: the avatar, Meta AI stickers and Imagine Me creations.

Assets live in Accounts Center and show on every linked platform profile (through `Person`).
Image generation is outside this service: a new sticker or creation gets the address where the
generator will publish its image, derived from the asset's id. The photos a person gives Imagine
Me to work from are uploaded with the request and kept privately (`image_files.py`).
"""

from __future__ import annotations

import strawberry
from bson import ObjectId
from strawberry.file_uploads import Upload

from subgraphs.accounts.context import AccountsInfo
from subgraphs.accounts.image_files import MAX_IMAGE_BYTES, image_type, read_upload
from subgraphs.accounts.mutations import PROFILE_WRITE, current_person
from subgraphs.accounts.objects import Avatar, ImagineMeCreation, Sticker
from subgraphs.accounts.records import AvatarRecord, CreationRecord, StickerRecord, utc_now
from subgraphs.accounts.validation import (
    MAX_LABEL,
    MAX_PROMPT,
    check_image_url,
    check_object_id,
    check_text,
)
from subgraphs.common.errors import bad_input, not_found
from subgraphs.common.schema import resolver
from subgraphs.common.scopes import SESSION_ONLY

__all__ = ["ASSET_BASE_URL", "MAX_SOURCE_PHOTOS", "AssetMutations"]

ASSET_BASE_URL = "https://assets.accounts-center.example"
MAX_SOURCE_PHOTOS = 3


async def read_image(upload: Upload, what: str = "The image") -> tuple[bytes, str]:
    """An uploaded image's bytes and the format they show; BAD_USER_INPUT for anything else.

    The client's content type is never asked: only the bytes' magic numbers count.
    """
    data = await read_upload(upload)  # type: ignore[arg-type]
    if data is None:
        raise bad_input(f"{what} is larger than {MAX_IMAGE_BYTES} bytes.")
    kind = image_type(data[:16])
    if kind is None:
        raise bad_input(f"{what} is not a PNG, JPEG, GIF or WebP image.")
    return data, kind


@strawberry.type
class AssetMutations:
    @resolver(
        authenticated=True,
        requires_scopes=SESSION_ONLY,
        description="Set the shared avatar from an image URL.",
    )
    async def set_avatar(self, info: AccountsInfo, image_url: str) -> Avatar:
        url = check_image_url(image_url)
        _, person = await current_person(info, PROFILE_WRITE)
        avatar = AvatarRecord(image_url=url, updated_at=utc_now())
        await info.context.repository.repository.set_avatar(ObjectId(person.id), avatar)
        return Avatar.of(avatar)

    @resolver(
        authenticated=True,
        requires_scopes=SESSION_ONLY,
        description="Set the shared avatar from an uploaded image (PNG, JPEG, GIF or WebP, "
        "up to 1 MiB), sent as a GraphQL multipart request.",
    )
    async def upload_avatar(self, info: AccountsInfo, file: Upload) -> Avatar:
        _, person = await current_person(info, PROFILE_WRITE)
        data, kind = await read_image(file, "The file")
        files = info.context.repository.avatar_files
        file_id = await files.store(person.id, data, kind)
        url = f"{info.context.settings.accounts_url.rstrip('/')}/avatars/{file_id}"
        avatar = AvatarRecord(image_url=url, updated_at=utc_now())
        await info.context.repository.repository.set_avatar(ObjectId(person.id), avatar)
        await files.delete_matching(person.id, keep=file_id)
        return Avatar.of(avatar)

    @resolver(
        authenticated=True, requires_scopes=SESSION_ONLY, description="Remove the shared avatar."
    )
    async def remove_avatar(self, info: AccountsInfo) -> bool:
        _, person = await current_person(info, PROFILE_WRITE)
        await info.context.repository.repository.set_avatar(ObjectId(person.id), None)
        return True

    @resolver(
        authenticated=True,
        requires_scopes=SESSION_ONLY,
        description="Ask Meta AI for a sticker from a short prompt.",
    )
    async def create_sticker(self, info: AccountsInfo, prompt: str) -> Sticker:
        label = check_text(prompt, "prompt", MAX_LABEL)
        _, person = await current_person(info, PROFILE_WRITE)
        sticker_id = str(ObjectId())
        record = StickerRecord(
            id=sticker_id,
            person_id=person.id,
            label=label,
            image_url=f"{ASSET_BASE_URL}/stickers/{sticker_id}.webp",
            created_at=utc_now(),
        )
        await info.context.repository.repository.insert_sticker(record)
        return Sticker.of(record)

    @resolver(
        authenticated=True, requires_scopes=SESSION_ONLY, description="Delete one of your stickers."
    )
    async def delete_sticker(self, info: AccountsInfo, id: strawberry.ID) -> bool:
        sticker_id = check_object_id(str(id))
        _, person = await current_person(info, PROFILE_WRITE)
        repository = info.context.repository.repository
        if not await repository.delete_sticker(ObjectId(person.id), sticker_id):
            raise not_found("You have no sticker with that id.")
        return True

    @resolver(
        authenticated=True,
        requires_scopes=SESSION_ONLY,
        description="Imagine yourself: create an image from a prompt and, optionally, up to "
        f"{MAX_SOURCE_PHOTOS} photos of you to work from (PNG, JPEG, GIF or WebP, up to 1 MiB "
        "each), sent as a GraphQL multipart request.",
    )
    async def create_imagine_me(
        self, info: AccountsInfo, prompt: str, source_photos: list[Upload] | None = None
    ) -> ImagineMeCreation:
        text = check_text(prompt, "prompt", MAX_PROMPT)
        photos = source_photos or []
        if len(photos) > MAX_SOURCE_PHOTOS:
            raise bad_input(f"At most {MAX_SOURCE_PHOTOS} source photos.", argument="sourcePhotos")
        _, person = await current_person(info, PROFILE_WRITE)
        images = [
            await read_image(photo, f"Source photo {n + 1}") for n, photo in enumerate(photos)
        ]
        creation_id = str(ObjectId())
        files = info.context.repository.source_photos
        base = f"{info.context.settings.accounts_url.rstrip('/')}/imagine-sources"
        urls = [
            f"{base}/{await files.store(person.id, data, kind, creationId=creation_id)}"
            for data, kind in images
        ]
        record = CreationRecord(
            id=creation_id,
            person_id=person.id,
            prompt=text,
            image_url=f"{ASSET_BASE_URL}/imagine/{creation_id}.webp",
            created_at=utc_now(),
            source_photo_urls=tuple(urls),
        )
        await info.context.repository.repository.insert_creation(record)
        return ImagineMeCreation.of(record)

    @resolver(
        authenticated=True,
        requires_scopes=SESSION_ONLY,
        description="Use one of your Imagine Me creations as avatar.",
    )
    async def set_imagine_me_as_avatar(self, info: AccountsInfo, id: strawberry.ID) -> Avatar:
        creation_id = check_object_id(str(id))
        _, person = await current_person(info, PROFILE_WRITE)
        repository = info.context.repository.repository
        creation = await repository.creation(ObjectId(person.id), creation_id)
        if creation is None:
            raise not_found("You have no Imagine Me creation with that id.")
        avatar = AvatarRecord(
            image_url=creation.image_url, updated_at=utc_now(), creation_id=creation.id
        )
        await repository.set_avatar(ObjectId(person.id), avatar)
        return Avatar.of(avatar)

    @resolver(
        authenticated=True,
        requires_scopes=SESSION_ONLY,
        description="Delete an Imagine Me creation (and the avatar, if it was made from it).",
    )
    async def delete_imagine_me(self, info: AccountsInfo, id: strawberry.ID) -> bool:
        creation_id = check_object_id(str(id))
        _, person = await current_person(info, PROFILE_WRITE)
        repository = info.context.repository.repository
        if not await repository.delete_creation(ObjectId(person.id), creation_id):
            raise not_found("You have no Imagine Me creation with that id.")
        sources = info.context.repository.source_photos
        await sources.delete_matching(person.id, creationId=str(creation_id))
        if person.avatar is not None and person.avatar.creation_id == str(creation_id):
            await repository.set_avatar(ObjectId(person.id), None)
        return True

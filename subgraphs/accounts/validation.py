"""Input checks for the accounts subgraph; each failure is BAD_USER_INPUT naming the argument.

They run before any write, so bad input never changes the database.
"""

from __future__ import annotations

import re

from bson import ObjectId

from subgraphs.common.errors import bad_input
from subgraphs.common.ids import parse_object_id
from subgraphs.common.text import check_text
from subgraphs.common.urls import MAX_URL, check_image_url

__all__ = [
    "MAX_DISPLAY_NAME",
    "MAX_LABEL",
    "MAX_PROMPT",
    "MAX_URL",
    "check_account_id",
    "check_email",
    "check_image_url",
    "check_object_id",
    "check_password",
    "check_proof_code",
    "check_region",
    "check_text",
]

MAX_DISPLAY_NAME = 80
MAX_LABEL = 80
MAX_PROMPT = 500
MAX_EMAIL = 254
MIN_PASSWORD, MAX_PASSWORD = 8, 256
MAX_PROOF_CODE = 64

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_REGION = re.compile(r"^[A-Z]{2,3}$")


def check_object_id(value: str, argument: str = "id") -> ObjectId:
    """The ObjectId in `value`, or BAD_USER_INPUT for anything else (e.g. a guessed id)."""
    return ObjectId(parse_object_id(value, argument))


def check_email(value: str) -> str:
    email = check_text(value, "email", MAX_EMAIL).lower()
    if not _EMAIL.match(email):
        raise bad_input("'email' is not an email address.", argument="email")
    return email


def check_password(value: str) -> str:
    if not MIN_PASSWORD <= len(value) <= MAX_PASSWORD:
        raise bad_input(
            f"'password' must be {MIN_PASSWORD} to {MAX_PASSWORD} characters.",
            argument="password",
        )
    return value


def check_region(value: str) -> str:
    region = value.strip().upper()
    if not _REGION.match(region):
        raise bad_input("'region' must be a 2 or 3 letter region code.", argument="region")
    return region


def check_account_id(value: str) -> str:
    """Platform account ids are ObjectIds too (24 lowercase hex digits)."""
    return parse_object_id(value, "accountId")


def check_proof_code(value: str) -> str:
    return check_text(value, "proofCode", MAX_PROOF_CODE)

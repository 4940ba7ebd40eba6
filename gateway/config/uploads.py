"""The `uploads` section: file uploads by the GraphQL multipart request spec."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.config.declare import setting
from gateway.config.parsers import boolean, integer

__all__ = ["UploadsConfig"]


@dataclass(frozen=True, slots=True, kw_only=True)
class UploadsConfig:
    """Off by default, as Apollo Router's preview is: files are streamed to the subgraph that
    owns the root field taking them, and a deployment turns this on knowingly and bounds it.
    The defaults are Apollo Router's (5 files of 1 MiB)."""

    enabled: bool = setting(
        env="GATEWAY_UPLOADS_ENABLED",
        parse=boolean,
        default=False,
        help="accept multipart/form-data requests with files (the GraphQL multipart request "
        "spec); a client must send a preflight header (CSRF_PREVENTION)",
    )
    max_files: int = setting(
        env="GATEWAY_UPLOADS_MAX_FILES",
        parse=integer(1, 100),
        default=5,
        help="most files in one request (FILE_UPLOADS_LIMITS_MAX_FILES_EXCEEDED)",
    )
    max_file_size: int = setting(
        env="GATEWAY_UPLOADS_MAX_FILE_SIZE",
        parse=integer(1, 1024 * 1024 * 1024),
        default=1024 * 1024,
        help="largest file in bytes (FILE_UPLOADS_LIMITS_MAX_FILE_SIZE_EXCEEDED)",
    )

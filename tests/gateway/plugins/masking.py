"""A plugin for the transport tests: `on_error` replaces every error's message, as an
error-masking plugin would (`--plugin tests.gateway.plugins.masking:plugin`)."""

from __future__ import annotations

from gateway.plugins import ErrorInfo

__all__ = ["Masking", "plugin"]

MASKED = "masked by a plugin"


class Masking:
    async def on_error(self, ctx: ErrorInfo) -> None:
        ctx.errors = [{**error, "message": MASKED} for error in ctx.errors]


plugin = Masking()

"""A plugin for the transport tests: `on_error` marks every error's message, as an
error-masking plugin would rewrite it (`--plugin tests.gateway.plugins.masking:plugin`); a
message marked twice shows a hook that ran twice on one answer."""

from __future__ import annotations

from gateway.plugins import ErrorInfo

__all__ = ["MASK", "Masking", "plugin"]

MASK = "masked: "


class Masking:
    async def on_error(self, ctx: ErrorInfo) -> None:
        ctx.errors = [{**error, "message": MASK + error["message"]} for error in ctx.errors]


plugin = Masking()

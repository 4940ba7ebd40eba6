"""Plugins and `@defer` answered in parts (`multipart/mixed`): which hooks see which payload.

A multipart answer is returned by the endpoint before its deferred parts have run: they run
while the response streams, after `plugged.around` has left the request's scope. So:

- `on_error` and `on_response` run on the first payload, as on a whole answer: `on_response`
  once per request (its `headers` are the response's, sent with the first part; its
  `extensions` go into the first payload);
- every later payload's errors (each `incremental` item's `errors`) go through `on_error`
  too, as the part arrives, so a plugin that masks errors masks all of them (a failing hook
  masks that item's errors as `PLUGIN_ERROR`, and the stream goes on);
- the deferred parts' subgraph requests run inside the request's scope again, so
  `on_subgraph_request` sees the same `ctx.scope` (operation name, headers, `state`) as for
  the first part's.

The answer is built again over the same payload iterator: nothing is buffered.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from starlette.responses import Response

from gateway.plugins import (
    ErrorInfo,
    OutgoingResponse,
    PluginChain,
    RequestScope,
    enter_scope,
    leave_scope,
)
from gateway.server.multipart import MultipartResponse, multipart_response

__all__ = ["finish_stream"]

_OWN_HEADERS = frozenset({b"content-length", b"content-type"})


async def finish_stream(
    chain: PluginChain, scope: RequestScope, response: MultipartResponse
) -> Response | None:
    """The multipart answer with the plugins' hooks on every payload; None when a hook on the
    first payload failed (the caller answers the masked failure, the parts are cancelled)."""
    first, rest = response.graphql_body, response.rest
    if first is None or rest is None:
        return response
    changed = dict(first)
    errors = first.get("errors")
    if chain.on_error and isinstance(errors, list) and errors:
        info = ErrorInfo(scope=scope, status=200, errors=[dict(e) for e in errors])
        if not await chain.error(info):
            await _close(rest)
            return None
        changed["errors"] = info.errors
    extensions = first.get("extensions")
    outgoing = OutgoingResponse(
        scope=scope,
        status=response.status_code,
        body=first,
        extensions=dict(extensions) if isinstance(extensions, dict) else {},
        headers={},
    )
    if chain.on_response and not await chain.response(outgoing):
        await _close(rest)
        return None
    if outgoing.extensions:
        changed["extensions"] = outgoing.extensions
    else:
        changed.pop("extensions", None)
    headers = {
        name.decode("latin-1"): value.decode("latin-1")
        for name, value in response.raw_headers
        if name not in _OWN_HEADERS
    }
    headers.update(outgoing.headers)
    return multipart_response(changed, _hooked(chain, scope, rest), headers)


async def _hooked(
    chain: PluginChain, scope: RequestScope, rest: AsyncIterator[dict[str, Any]]
) -> AsyncIterator[dict[str, Any]]:
    """The later payloads, each computed inside the request's scope, their errors hooked."""
    try:
        while True:
            token = enter_scope(scope)  # the deferred fetches start (and copy it) in here
            try:
                payload = await anext(rest)
            except StopAsyncIteration:
                return
            finally:
                leave_scope(token)
            if chain.on_error:
                payload = await _payload_errors(chain, scope, payload)
            yield payload
    finally:
        await _close(rest)


async def _payload_errors(
    chain: PluginChain, scope: RequestScope, payload: dict[str, Any]
) -> dict[str, Any]:
    items = payload.get("incremental")
    if not isinstance(items, list) or not any(i.get("errors") for i in items):
        return payload
    hooked = []
    for item in items:
        errors = item.get("errors")
        if errors:
            item = {**item, "errors": await chain.masked_errors(scope, 200, errors)}
            if not item["errors"]:
                del item["errors"]
        hooked.append(item)
    return {**payload, "incremental": hooked}


async def _close(rest: AsyncIterator[dict[str, Any]]) -> None:
    """Stop the parts still running (an async generator's `aclose`, when it has one)."""
    close = getattr(rest, "aclose", None)
    if close is not None:
        await close()

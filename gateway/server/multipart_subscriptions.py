r"""Apollo's multipart HTTP subscriptions at the GraphQL path (`subscriptionSpec="1.0"`).

Apollo Client, Apollo Kotlin and Apollo iOS subscribe over plain HTTP when the server answers
`Accept: multipart/mixed;subscriptionSpec="1.0"` (quoted or not): a `multipart/mixed` response
with the boundary `graphql`, each part `content-type: application/json`. An event is
`{"payload": <the GraphQL response>}`; a heartbeat is `{}` every
`subscriptions.multipart_heartbeat` seconds (Apollo Router's 5 by default), so that proxies and
the client know the stream is alive; an error of the transport rather than of the operation (it
could not run, or the gateway stopped it because the token expired or was signed out) is
`{"payload": null, "errors": [...]}`; the stream ends with `--graphql--`.

The bytes are Apollo Router's: each part is sent with the delimiter behind it, but without the
delimiter line's CRLF (`{...}\r\n--graphql`); the next part starts by finishing that line
(`\r\ncontent-type: ...`) and the end finishes it as the close delimiter (`--\r\n`). A
multipart reader (Apollo Client's, `meros`) hands over a part as soon as it sees the delimiter
behind it, so no event waits for the next heartbeat, and the stream still closes with a proper
`--graphql--` without an empty part before it.
"""

from __future__ import annotations

from typing import Any

import orjson

from gateway.plugins import PluginChain
from gateway.server.endpoint import GraphQLEndpoint
from gateway.server.negotiation import multipart_mixed_params
from gateway.server.streamed_http import Framing, StreamedEndpoint
from gateway.server.streaming import RequestErrors
from gateway.subscriptions import Subscriptions

__all__ = [
    "MULTIPART_SUBSCRIPTION",
    "accepts_multipart_subscription",
    "multipart_subscription_endpoint",
]

MULTIPART_SUBSCRIPTION = 'multipart/mixed;boundary="graphql";subscriptionSpec="1.0"'
_HEAD = b"\r\ncontent-type: application/json\r\n\r\n"
_DELIMITER = b"\r\n--graphql"
_END = b"--\r\n"


def accepts_multipart_subscription(accept: str | None) -> bool:
    """Whether `Accept` names `multipart/mixed` with `subscriptionSpec=1.0` (q above 0)."""
    return any(p.get("subscriptionspec") == "1.0" for p in multipart_mixed_params(accept))


def _part(message: dict[str, Any]) -> bytes:
    return _HEAD + orjson.dumps(message) + _DELIMITER


def _answer(body: dict[str, Any]) -> bytes:
    return _part({"payload": body})


def _failure(errors: RequestErrors) -> bytes:
    """A transport-level error (always the last part)."""
    return _part({"payload": None, "errors": errors})


APOLLO_MULTIPART = Framing(
    name="multipart",
    media_type=MULTIPART_SUBSCRIPTION,
    start=_DELIMITER,
    answer=_answer,
    heartbeat=_part({}),
    failure=_failure,
    end=_END,
)


def multipart_subscription_endpoint(
    endpoint: GraphQLEndpoint, subscriptions: Subscriptions, plugins: PluginChain | None = None
) -> StreamedEndpoint:
    """Answers GraphQL requests that accept Apollo's multipart subscriptions."""
    every = subscriptions.settings.multipart_heartbeat
    return StreamedEndpoint(endpoint, subscriptions, APOLLO_MULTIPART, every, plugins)

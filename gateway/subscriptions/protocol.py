"""The graphql-transport-ws protocol's names: message types and close codes.

The gateway speaks it twice, as a server to clients (`gateway/server/websocket.py`) and as a
client to subgraphs (`upstream.py`); both take the names from here. Codes are the ones the
`graphql-ws` library's PROTOCOL.md gives and its client reacts to (4403 is not retried, 4429
and 4400 are reported, 4408 is a timeout).
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "BAD_REQUEST",
    "COMPLETE",
    "CONNECTION_ACK",
    "CONNECTION_INIT",
    "DUPLICATE_ID",
    "ERROR",
    "FORBIDDEN",
    "GOING_AWAY",
    "INIT_TIMEOUT",
    "NEXT",
    "PING",
    "PONG",
    "PROTOCOL",
    "SLOW_CONSUMER",
    "SUBSCRIBE",
    "TOO_MANY_INITS",
    "TOO_MANY_SUBSCRIPTIONS",
    "UNAUTHORIZED",
]

PROTOCOL: Final = "graphql-transport-ws"

CONNECTION_INIT: Final = "connection_init"
CONNECTION_ACK: Final = "connection_ack"
PING: Final = "ping"
PONG: Final = "pong"
SUBSCRIBE: Final = "subscribe"
NEXT: Final = "next"
ERROR: Final = "error"
COMPLETE: Final = "complete"

BAD_REQUEST: Final = 4400
UNAUTHORIZED: Final = 4401
FORBIDDEN: Final = 4403
INIT_TIMEOUT: Final = 4408
SLOW_CONSUMER: Final = 4408
"""The queue of a subscription filled up: the client does not read (the protocol's timeout code,
which clients treat as retryable)."""
DUPLICATE_ID: Final = 4409
TOO_MANY_INITS: Final = 4429
TOO_MANY_SUBSCRIPTIONS: Final = 4429
GOING_AWAY: Final = 1001
"""The gateway shuts down; every stream got its `complete` first."""

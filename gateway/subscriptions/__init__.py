"""GraphQL subscriptions through the gateway: subscribe at the owning subgraph over
graphql-transport-ws and run the rest of the plan for every event.

`stream.py` holds the app's `Subscriptions` (one per app: the subgraph WebSocket session, the
limits, every live stream for shutdown) and each `SubscriptionStream`; `upstream.py` is the
client side of graphql-transport-ws towards a subgraph; `events.py` runs the plan per event;
`protocol.py` names the protocol's messages and close codes, which the server's WebSocket
endpoint (`gateway/server/websocket.py`) uses too; `sessions.py` ends what a token opened when it
expires or is signed out, told of sign-outs by `revocations.py` (accounts' Redis feed).
"""

from gateway.subscriptions.protocol import (
    BAD_REQUEST,
    COMPLETE,
    CONNECTION_ACK,
    CONNECTION_INIT,
    DUPLICATE_ID,
    ERROR,
    FORBIDDEN,
    GOING_AWAY,
    INIT_TIMEOUT,
    NEXT,
    PING,
    PONG,
    PROTOCOL,
    SLOW_CONSUMER,
    SUBSCRIBE,
    TOO_MANY_INITS,
    TOO_MANY_SUBSCRIPTIONS,
    UNAUTHORIZED,
)
from gateway.subscriptions.sessions import SessionEnd, Watched
from gateway.subscriptions.stream import Subscriptions, SubscriptionStream
from gateway.subscriptions.upstream import SUBGRAPH_SUBSCRIPTION_CLOSED

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
    "SUBGRAPH_SUBSCRIPTION_CLOSED",
    "SUBSCRIBE",
    "TOO_MANY_INITS",
    "TOO_MANY_SUBSCRIPTIONS",
    "UNAUTHORIZED",
    "SessionEnd",
    "SubscriptionStream",
    "Subscriptions",
    "Watched",
]

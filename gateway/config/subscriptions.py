"""The subscriptions section: limits and timings of subscriptions (`gateway/subscriptions/`).

Each field is one setting declared once with `setting()` (see `gateway/config/declare.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.config.declare import setting
from gateway.config.parsers import boolean, integer, seconds

__all__ = ["SubscriptionsConfig"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SubscriptionsConfig:
    """Subscriptions over WebSocket (graphql-transport-ws), SSE and multipart HTTP at the
    GraphQL path."""

    enabled: bool = setting(
        env="GATEWAY_SUBSCRIPTIONS_ENABLED",
        parse=boolean,
        default=True,
        help="serve subscriptions over WebSocket (graphql-transport-ws), SSE "
        "(Accept: text/event-stream) and Apollo's multipart HTTP (Accept: "
        "multipart/mixed;subscriptionSpec=1.0) at the GraphQL path",
    )
    max_per_connection: int = setting(
        env="GATEWAY_SUBSCRIPTIONS_MAX_PER_CONNECTION",
        parse=integer(1, 10_000),
        default=16,
        help="operations one WebSocket may run at once; the next is refused (close 4429)",
    )
    max_per_client: int = setting(
        env="GATEWAY_SUBSCRIPTIONS_MAX_PER_CLIENT",
        parse=integer(1, 1_000_000),
        default=200,
        help="subscriptions one client (its token's subject, else its address) may have open "
        "at once in one gateway process, over every connection and transport; the next is "
        "refused with TOO_MANY_SUBSCRIPTIONS",
    )
    queue_size: int = setting(
        env="GATEWAY_SUBSCRIPTIONS_QUEUE_SIZE",
        parse=integer(1, 100_000),
        default=64,
        help="events waiting for a slow client per subscription; past it the client is "
        "disconnected (WebSocket close 4408, SSE stream ended with an error)",
    )
    keepalive: float = setting(
        env="GATEWAY_SUBSCRIPTIONS_KEEPALIVE",
        parse=seconds,
        default=12.0,
        help="seconds between keep-alive pings (WebSocket `ping`, an SSE comment line)",
    )
    multipart_heartbeat: float = setting(
        env="GATEWAY_SUBSCRIPTIONS_MULTIPART_HEARTBEAT",
        parse=seconds,
        default=5.0,
        help="seconds between heartbeats (`{}` parts) on Apollo's multipart HTTP "
        "subscriptions, as Apollo Router sends them",
    )
    follow_revocations: bool = setting(
        env="GATEWAY_SUBSCRIPTIONS_FOLLOW_REVOCATIONS",
        parse=boolean,
        default=True,
        help="with `redis.url` set: follow accounts' sign-outs on Redis and end the streams "
        "a signed-out token opened (a token's expiry ends them in any case)",
    )
    init_timeout: float = setting(
        env="GATEWAY_SUBSCRIPTIONS_INIT_TIMEOUT",
        parse=seconds,
        default=5.0,
        help="seconds a WebSocket client has to send connection_init (else close 4408), and "
        "a subgraph to acknowledge the gateway's",
    )

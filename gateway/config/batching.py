"""The `batching` section: client request batching (a POST body that is a JSON array)."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.config.declare import setting
from gateway.config.parsers import boolean, integer

__all__ = ["BatchingConfig"]


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchingConfig:
    """Off by default, as in Apollo Router and Hive Gateway: a batch multiplies the work one
    HTTP request can ask for, so a deployment turns it on knowingly and bounds it."""

    enabled: bool = setting(
        env="GATEWAY_BATCHING_ENABLED",
        parse=boolean,
        default=False,
        help="accept a JSON array of GraphQL requests in one POST and answer an array in order",
    )
    max_size: int = setting(
        env="GATEWAY_BATCHING_MAX_SIZE",
        parse=integer(1, 1000),
        default=10,
        help="most requests in one batch (BATCH_LIMIT_EXCEEDED)",
    )

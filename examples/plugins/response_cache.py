"""Caches the subgraph answers of one named operation in memory, bounded, for a few seconds.

    plugins:
      - use: examples.plugins.response_cache:ResponseCache
        config: {operation: People, max_entries: 256, ttl: 10}

It caches what subgraphs answered, not the client's response: authorization, shaping and the
other plugins still run per request, and the key holds the subgraph, the request's query and
variables and the forwarded headers (credentials among them), so one caller's answer never
reaches another. Only answers without errors are kept. Entries are kept as JSON bytes and
decoded per hit, because the executor merges subgraph dicts into the response it builds.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import orjson

from gateway.plugins import SubgraphCall
from gateway.transports import SubgraphResponse

__all__ = ["ResponseCache"]

_Key = tuple[str, str, bytes, bytes]


class ResponseCache:
    def __init__(self, config: Mapping[str, Any]) -> None:
        self.operation = str(config["operation"])
        self.max_entries = int(config.get("max_entries", 256))
        self.ttl = float(config.get("ttl", 10.0))
        self._entries: OrderedDict[_Key, tuple[float, bytes]] = OrderedDict()
        self.hits = 0

    def _key(self, ctx: SubgraphCall) -> _Key | None:
        if ctx.is_mutation or ctx.scope is None or ctx.scope.operation_name != self.operation:
            return None
        variables = orjson.dumps(ctx.variables, option=orjson.OPT_SORT_KEYS)
        headers = orjson.dumps(ctx.headers, option=orjson.OPT_SORT_KEYS)
        return (ctx.service_name, ctx.query, variables, headers)

    async def on_subgraph_request(self, ctx: SubgraphCall) -> None:
        key = self._key(ctx)
        found = self._entries.get(key) if key is not None else None
        if key is None or found is None:
            return
        expires, data = found
        if expires < time.monotonic():
            del self._entries[key]
            return
        self._entries.move_to_end(key)
        self.hits += 1
        ctx.result = SubgraphResponse(data=orjson.loads(data))

    async def on_subgraph_response(self, ctx: SubgraphCall) -> None:
        result = ctx.result
        if not isinstance(result, SubgraphResponse) or result.errors or result.data is None:
            return
        key = self._key(ctx)
        found = self._entries.get(key) if key is not None else None
        if key is None or (found is not None and found[0] >= time.monotonic()):
            return  # a hit (the entry keeps its expiry) or not this operation
        self._entries[key] = (time.monotonic() + self.ttl, orjson.dumps(result.data))
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

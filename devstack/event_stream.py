"""A GraphQL-over-SSE client (graphql-sse's distinct connections mode), read in a thread.

`make smoke` opens the subscription examples with it and checks their first event after the
other examples ran; the subscription tests read the gateway's streams with it too.
"""

from __future__ import annotations

import http.client
import json
import queue
import threading
import urllib.parse
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["EventStream"]

WAIT = 15.0


class EventStream:
    """One POST with `Accept: text/event-stream`; its events are queued as they arrive."""

    def __init__(
        self,
        url: str,
        token: str | None,
        query: str,
        variables: Mapping[str, Any] | None = None,
    ) -> None:
        parts = urllib.parse.urlsplit(url)
        self._connection = http.client.HTTPConnection(parts.netloc, timeout=WAIT)
        headers = {"Accept": "text/event-stream", "Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        body = json.dumps({"query": query, "variables": dict(variables or {})})
        self._connection.request("POST", parts.path, body, headers)
        self.response = self._connection.getresponse()
        self.events: queue.Queue[tuple[str, str]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        event, data = "", ""
        for raw in self._lines():
            line = raw.rstrip("\r\n")
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                data = line[5:].strip()
            elif line == "" and event:
                self.events.put((event, data))
                event, data = "", ""

    def _lines(self) -> Iterator[str]:
        try:
            while raw := self.response.readline():
                yield raw.decode()
        except (OSError, ValueError, AttributeError, http.client.HTTPException):
            return  # closed by our side (http.client's closed response has no file left)

    def next_event(self, timeout: float = WAIT) -> tuple[str, Any]:
        """(`next` or `complete`, the data decoded); AssertionError after `timeout` seconds."""
        try:
            event, data = self.events.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no server-sent event in {timeout} s") from None
        return event, json.loads(data) if data else None

    def close(self) -> None:
        self._connection.close()

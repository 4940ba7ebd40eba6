"""Counts the database commands a subgraph process sends, so tests can catch N+1 queries.

A pymongo `CommandListener` sees every command on the wire. The counts are exposed (behind the
internal token) at `GET /internal/debug/commands`, so an integration test can read them before
and after one GraphQL request and assert how many `find` commands it cost.
"""

from __future__ import annotations

import threading
from collections import Counter

from pymongo.monitoring import (
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
)

__all__ = ["CommandCounter"]

# Commands the driver sends for its own bookkeeping, not on behalf of a resolver.
_IGNORED = frozenset({"hello", "ismaster", "isMaster", "ping", "endSessions", "saslStart"})


class CommandCounter(CommandListener):
    """Per-(database, command) counts of started commands."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str]] = Counter()

    def started(self, event: CommandStartedEvent) -> None:
        if event.command_name in _IGNORED:
            return
        with self._lock:
            self._counts[(event.database_name, event.command_name)] += 1

    def succeeded(self, event: CommandSucceededEvent) -> None:
        return

    def failed(self, event: CommandFailedEvent) -> None:
        return

    def snapshot(self) -> dict[str, dict[str, int]]:
        """`{database: {command: count}}` since the process started."""
        result: dict[str, dict[str, int]] = {}
        with self._lock:
            for (database, command), count in self._counts.items():
                result.setdefault(database, {})[command] = count
        return result

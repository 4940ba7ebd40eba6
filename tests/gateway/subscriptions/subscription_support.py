"""Test support for subscriptions: the `graphql-ws` library's client, `meros` reading Apollo's
multipart subscriptions, and posting Statuses until an open subscription hears one (the SSE
reader is `devstack/event_stream.py`).

Each client runs beside the test in a Node process and hands what it hears to a queue, so a
test can post a Status while a subscription is open and then wait for its event.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.subgraphs.whatsapp.platform_world import Graph, Person

ROOT = Path(__file__).resolve().parents[3]
CLIENT_SCRIPT = Path(__file__).with_name("graphql_ws_client.mjs")
MULTIPART_SCRIPT = Path(__file__).with_name("multipart_client.mjs")
NODE_MODULE_DIRS = (
    ROOT / ".cache" / "npm" / "node_modules",
    ROOT / ".cache" / "bench-npm" / "node_modules",
)
WAIT = 15.0

__all__ = [
    "POST",
    "STATUS_POSTED",
    "MultipartClient",
    "WsClient",
    "first_event",
    "graphql_ws_modules",
    "multipart_event",
    "post_status",
]

STATUS_POSTED = (
    "subscription { statusPosted { id text account { phoneNumber person { id displayName } } } }"
)
POST = "mutation($t: String!) { postStatus(text: $t, crossPost: false) { status { id } } }"


def node_modules(*packages: str) -> Path | None:
    """The node_modules that hold `packages` (tools/npm/package.json lists them)."""
    for folder in NODE_MODULE_DIRS:
        if all((folder / package).is_dir() for package in packages):
            return folder
    return None


def graphql_ws_modules() -> Path | None:
    """The node_modules that hold `graphql-ws` and `ws`."""
    return node_modules("graphql-ws", "ws")


class _NodeClient:
    """One subscription through a Node client script that prints JSON lines."""

    def __init__(
        self, script: Path, packages: tuple[str, ...], modules_variable: str, *args: str
    ) -> None:
        modules = node_modules(*packages)
        if modules is None:
            pytest.skip(f"{', '.join(packages)} not installed (make npm-tools)")
        self._process = subprocess.Popen(
            ["node", str(script), *args],
            stdout=subprocess.PIPE,
            env={**os.environ, modules_variable: str(modules)},
            text=True,
        )
        self._lines: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self._lines.put(json.loads(line))

    def next_line(self, timeout: float = WAIT) -> dict[str, Any]:
        """What the client heard next (`event` says what); fails after `timeout` seconds."""
        try:
            return self._lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"the client heard nothing in {timeout} s") from None

    def try_line(self, timeout: float) -> dict[str, Any] | None:
        try:
            return self._lines.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
        self._process.wait(timeout=WAIT)


class WsClient(_NodeClient):
    """One subscription through the `graphql-ws` library's client."""

    def __init__(self, url: str, token: str | None, query: str) -> None:
        ws_url = url.replace("http://", "ws://", 1)
        modules = ("graphql-ws", "ws")
        super().__init__(CLIENT_SCRIPT, modules, "GRAPHQL_WS_MODULES", ws_url, token or "", query)


class MultipartClient(_NodeClient):
    """One multipart HTTP subscription (Apollo's protocol) read by `meros`."""

    def __init__(self, url: str, token: str | None, query: str) -> None:
        super().__init__(MULTIPART_SCRIPT, ("meros",), "MEROS_MODULES", url, token or "", query)


def multipart_event(client: MultipartClient, timeout: float) -> dict[str, Any] | None:
    """The next part that is not a heartbeat (`{}`), or None after `timeout` seconds of
    heartbeats."""
    line = client.try_line(timeout)
    while line is not None and line.get("body") == {}:
        line = client.try_line(timeout)
    return line


def post_status(graph: Graph, person: Person, text: str) -> str:
    status_id: str = graph.data("whatsapp", POST, {"t": text}, person.token)["postStatus"][
        "status"
    ]["id"]
    return status_id


def first_event(
    graph: Graph, person: Person, heard: Callable[[float], Any | None], tag: str
) -> tuple[Any, set[str]]:
    """Post until the open subscription hears one (it starts listening a moment after the
    client's `subscribe`, with no acknowledgement in the protocol); the texts posted."""
    posted: set[str] = set()
    for attempt in range(15):
        text = f"{tag} {attempt}"
        post_status(graph, person, text)
        posted.add(text)
        event = heard(1.0)
        if event is not None:
            return event, posted
    raise AssertionError("no event reached the subscriber")

"""Hot reload of the `--supergraph` file: on a change seen by polling its stat, or on SIGHUP.

Why polling and not inotify (watchfiles): Kubernetes updates a mounted ConfigMap by writing a
new folder and swapping the `..data` symlink, so the watched path never changes; its target
does. `os.stat` follows the links, and the (device, inode, size, mtime) of what the path points
to changes with every kind of update: an edit in place, a rename over it, a symlink swap. One
`stat` a second costs nothing and needs no dependency.

What happens on a change (`SupergraphWatcher.check`):
- The file is read and hashed; the same SDL as the one served is ignored (a `touch`, or a
  ConfigMap rewritten with equal content).
- It is loaded in a thread, so a large supergraph does not stall requests being served.
- A valid supergraph is installed through `ServingState.install`, the one path that compose
  mode uses too: a new `Gateway` (with its own caches) replaces the old one in one assignment,
  and requests already running finish on the old one.
- An invalid or unreadable one is refused with its reason logged (once per distinct content),
  counted in `ServingState.status`, and the served supergraph stays.

With `--workers N` each worker process watches the file itself, and the parent passes SIGHUP on
to its workers (`serve.py`), so every worker serves the same file.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from pathlib import Path

from gateway.server.state import ServingState, supergraph_hash
from gateway.supergraph import SupergraphProblems, load_supergraph

__all__ = ["SupergraphWatcher", "file_signature"]

log = logging.getLogger("gateway.server")

Signature = tuple[int, int, int, int] | None


def file_signature(path: Path) -> Signature:
    """What changes when the file behind `path` (links followed) is replaced or edited."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns)


class SupergraphWatcher:
    """Polls one supergraph file and installs each valid new version into `state`."""

    def __init__(self, state: ServingState, path: Path, interval: float) -> None:
        self._state = state
        self._path = path
        self._interval = interval
        self._signature = file_signature(path)
        self._refused_hash: str | None = None
        self._lock = asyncio.Lock()
        self._signalled: set[asyncio.Task[bool]] = set()

    async def run(self, *, poll: bool = True, handle_sighup: bool = False) -> None:
        """Poll the file (with `poll`) until cancelled; with `handle_sighup`, SIGHUP reloads.

        SIGHUP is taken only when the server asks (`gateway serve`), never by an app mounted in
        another program, whose signals are its own.
        """
        loop = asyncio.get_running_loop()
        if handle_sighup:
            loop.add_signal_handler(signal.SIGHUP, self._on_sighup)
        try:
            while True:
                if not poll:
                    await asyncio.Event().wait()
                await asyncio.sleep(self._interval)
                if file_signature(self._path) != self._signature:
                    await self.check()
        finally:
            if handle_sighup:
                with contextlib.suppress(Exception):  # the loop may be closing
                    loop.remove_signal_handler(signal.SIGHUP)
                    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # not the default: exit

    def _on_sighup(self) -> None:
        log.info("SIGHUP: reloading the supergraph from %s", self._path)
        task = asyncio.ensure_future(self.check(forced=True))
        self._signalled.add(task)  # the loop keeps only a weak reference to a task
        task.add_done_callback(self._signalled.discard)
        task.add_done_callback(_log_crash)

    async def check(self, *, forced: bool = False) -> bool:
        """Read the file and install it if it is new and valid; True when installed."""
        async with self._lock:
            self._signature = file_signature(self._path)
            try:
                sdl = self._path.read_text(encoding="utf-8")
            except OSError as error:
                return self._refuse(None, f"cannot read the supergraph: {error.strerror}")
            digest = supergraph_hash(sdl)
            if digest == self._state.supergraph_hash:
                if forced:
                    log.info("the supergraph in %s is the one served (%s)", self._path, digest)
                return False
            if digest == self._refused_hash and not forced:
                return False
            loaded = await asyncio.to_thread(load_supergraph, sdl)
            if isinstance(loaded, SupergraphProblems):
                return self._refuse(digest, f"not a valid supergraph:\n{loaded}")
            self._refused_hash = None
            previous = self._state.supergraph_hash
            self._state.install(loaded)
            log.info("hot-reloaded the supergraph from %s: %s -> %s", self._path, previous, digest)
            return True

    def _refuse(self, digest: str | None, reason: str) -> bool:
        self._refused_hash = digest
        served = self._state.supergraph_hash
        log.error(
            "refused the new supergraph in %s; still serving %s: %s", self._path, served, reason
        )
        self._state.refused(reason)
        return False


def _log_crash(task: asyncio.Task[bool]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("reloading the supergraph failed", exc_info=task.exception())

"""Hot reload of `--supergraph` against a real gateway process and real subgraphs.

The old supergraph is the `people` subgraph alone; the new one adds the `moods` subgraph
(`slow_subgraph.py` with no delay) and its field `Person.mood`, so the new supergraph is seen
by a field that only it can serve, and by the `x-supergraph-hash` header and `/ready`.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devstack.processes import Service, free_port, start_service
from gateway.composition import CompositionFailure, SubgraphSource, compose
from gateway.server.state import supergraph_hash
from tests.gateway.server import server_subgraph, slow_subgraph
from tests.gateway.server.server_support import (
    HERE,
    START_TIMEOUT,
    Reply,
    call,
    people_supergraph,
    post_json,
    python_env,
    start_gateway_process,
)

pytestmark = pytest.mark.integration

NAME = {"query": '{ person(id: "1") { name } }'}
MOOD = {"query": '{ person(id: "1") { name mood } }'}
WAIT = 15.0


@pytest.fixture(scope="module")
def moods_subgraph(server_dir: Path) -> Iterator[Service]:
    port = free_port()
    argv = [sys.executable, str(HERE / "slow_subgraph.py"), str(port), "0"]
    health = f"http://127.0.0.1:{port}/health"
    log = server_dir / "moods.log"
    service = start_service("moods", argv, python_env(), health, log, START_TIMEOUT, port=port)
    try:
        yield service
    finally:
        service.stop()


@pytest.fixture(scope="module")
def old_sdl(people_subgraph: Service) -> str:
    return people_supergraph(f"{people_subgraph.url}/graphql")


@pytest.fixture(scope="module")
def new_sdl(people_subgraph: Service, moods_subgraph: Service) -> str:
    sources = [
        SubgraphSource(
            name="people",
            routing_url=f"{people_subgraph.url}/graphql",
            sdl=server_subgraph.schema.as_str(),
        ),
        SubgraphSource(
            name="moods",
            routing_url=f"{moods_subgraph.url}/graphql",
            sdl=slow_subgraph.schema.as_str(),
        ),
    ]
    result = compose(sources)
    assert not isinstance(result, CompositionFailure), str(result)
    return result.supergraph_sdl


def _replace(path: Path, text: str) -> None:
    """Write beside `path`, then rename over it: readers see the old file or the new one."""
    temporary = path.with_name(path.name + ".new")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


STARTED = "Application startup complete"
"""uvicorn's line once a worker serves (its supergraph is loaded before it)."""


def _served(port: int) -> str:
    body = call(port, "GET", "/ready").json()
    return str(body["supergraph"])


def _wait_for(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def test_a_renamed_file_is_served_under_load_without_a_failed_request(
    old_sdl: str, new_sdl: str, tmp_path: Path
) -> None:
    path = tmp_path / "supergraph.graphql"
    path.write_text(old_sdl, encoding="utf-8")
    env = {"GATEWAY_RELOAD_POLL_INTERVAL": "0.2"}
    gateway = start_gateway_process(["--supergraph", str(path)], tmp_path / "gateway.log", env)
    old, new = supergraph_hash(old_sdl), supergraph_hash(new_sdl)
    replies: list[Reply] = []
    problems: list[BaseException] = []
    stop = threading.Event()

    def load() -> None:
        try:
            for _ in range(2000):  # bounded; stopped once the new supergraph is served
                if stop.is_set():
                    return
                replies.append(post_json(gateway.port, NAME))
        except BaseException as problem:
            problems.append(problem)

    threads = [threading.Thread(target=load) for _ in range(3)]
    try:
        assert _served(gateway.port) == old
        assert "errors" in post_json(gateway.port, MOOD).json()  # not in the old supergraph
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        _replace(path, new_sdl)
        _wait_for(lambda: any(r.headers["x-supergraph-hash"] == new for r in replies), "reload")
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    try:
        assert not problems, problems
        assert len(replies) > 20
        failed = [r for r in replies if (r.status, r.json()) != (200, _ADA)]
        assert not failed, failed[:3]
        hashes = [r.headers["x-supergraph-hash"] for r in replies]
        assert set(hashes) == {old, new}
        assert hashes[-1] == new
        assert post_json(gateway.port, MOOD).json() == {
            "data": {"person": {"name": "Ada Lovelace", "mood": "patient"}}
        }
        assert _served(gateway.port) == new
    finally:
        gateway.stop()


_ADA = {"data": {"person": {"name": "Ada Lovelace"}}}


def _kubernetes_volume(root: Path, version: str, sdl: str) -> None:
    """What the kubelet does to a ConfigMap volume: a new folder, then `..data` swapped."""
    folder = root / f"..{version}"
    folder.mkdir()
    (folder / "supergraph.graphql").write_text(sdl, encoding="utf-8")
    link = root / "..data_tmp"
    link.symlink_to(folder.name)
    os.replace(link, root / "..data")


def test_an_invalid_file_is_refused_and_the_old_one_keeps_serving(
    old_sdl: str, new_sdl: str, tmp_path: Path
) -> None:
    volume = tmp_path / "config"
    volume.mkdir()
    _kubernetes_volume(volume, "1", old_sdl)
    path = volume / "supergraph.graphql"
    path.symlink_to("..data/supergraph.graphql")
    log_path = tmp_path / "gateway.log"
    env = {"GATEWAY_RELOAD_POLL_INTERVAL": "0.2"}
    gateway = start_gateway_process(["--supergraph", str(path)], log_path, env)
    old, new = supergraph_hash(old_sdl), supergraph_hash(new_sdl)
    try:
        _kubernetes_volume(volume, "2", "type Query { broken")
        _wait_for(lambda: "refused the new supergraph" in log_path.read_text(), "refusal")
        assert "not a valid supergraph" in log_path.read_text()
        reply = post_json(gateway.port, NAME)
        assert (reply.json(), reply.headers["x-supergraph-hash"]) == (_ADA, old)
        assert _served(gateway.port) == old

        _kubernetes_volume(volume, "3", new_sdl)
        _wait_for(lambda: _served(gateway.port) == new, "the valid file after the invalid one")
        assert post_json(gateway.port, MOOD).json()["data"]["person"]["mood"] == "patient"
    finally:
        gateway.stop()


@pytest.mark.parametrize("workers", [1, 2])
def test_sighup_reloads_every_worker(
    workers: int, old_sdl: str, new_sdl: str, tmp_path: Path
) -> None:
    path = tmp_path / "supergraph.graphql"
    path.write_text(old_sdl, encoding="utf-8")
    env = {"GATEWAY_RELOAD_WATCH": "false"}  # only the signal reloads
    args = ["--supergraph", str(path), "--workers", str(workers)]
    gateway = start_gateway_process(args, tmp_path / "gateway.log", env)
    old, new = supergraph_hash(old_sdl), supergraph_hash(new_sdl)
    try:
        _wait_for(lambda: all(_served(gateway.port) == old for _ in range(10)), "start-up")
        _replace(path, new_sdl)
        if workers == 1:
            # Not watched. (With workers, uvicorn's supervisor restarts a worker that misses
            # its health check on a loaded machine, and a new worker reads the file as it is.)
            time.sleep(1.5)
            assert all(_served(gateway.port) == old for _ in range(10))
        os.kill(gateway.pid, signal.SIGHUP)
        _wait_for(lambda: all(_served(gateway.port) == new for _ in range(20)), "SIGHUP reload")
        assert gateway.is_running()
    finally:
        gateway.stop()


def test_every_worker_watches_the_file(old_sdl: str, new_sdl: str, tmp_path: Path) -> None:
    path = tmp_path / "supergraph.graphql"
    path.write_text(old_sdl, encoding="utf-8")
    env = {"GATEWAY_RELOAD_POLL_INTERVAL": "0.2"}
    args = ["--supergraph", str(path), "--workers", "2"]
    log_path = tmp_path / "gateway.log"
    gateway = start_gateway_process(args, log_path, env)
    new = supergraph_hash(new_sdl)
    try:
        # Both workers must have read the old file first: one that starts after the swap
        # reads the new file at start-up and has nothing to reload.
        _wait_for(lambda: log_path.read_text().count(STARTED) == 2, "both workers up")
        _replace(path, new_sdl)
        _wait_for(lambda: all(_served(gateway.port) == new for _ in range(20)), "reload")
        _wait_for(lambda: log_path.read_text().count("hot-reloaded the supergraph") == 2, "both")
    finally:
        gateway.stop()

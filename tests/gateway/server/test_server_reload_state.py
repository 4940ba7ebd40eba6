"""Reload in process: the watcher's decisions, its counters, and memory after a swap."""

from __future__ import annotations

import asyncio
import gc
import os
import weakref
from pathlib import Path

from gateway.config import Config
from gateway.server.reload import SupergraphWatcher, file_signature
from gateway.server.state import ServingState, supergraph_hash
from gateway.supergraph import Supergraph, load_supergraph
from tests.gateway.server.server_support import people_supergraph


def _supergraph(port: int) -> str:
    return people_supergraph(f"http://127.0.0.1:{port}/graphql")


def _loaded(sdl: str) -> Supergraph:
    loaded = load_supergraph(sdl)
    assert isinstance(loaded, Supergraph)
    return loaded


def test_the_signature_changes_on_a_rename_and_on_a_symlink_swap(tmp_path: Path) -> None:
    path = tmp_path / "supergraph.graphql"
    path.write_text("a", encoding="utf-8")
    first = file_signature(path)
    other = tmp_path / "other"
    other.write_text("a", encoding="utf-8")
    os.replace(other, path)  # same size, maybe the same mtime: the inode differs
    renamed = file_signature(path)
    assert renamed != first
    link = tmp_path / "link"
    link.symlink_to(path.name)
    before = file_signature(link)
    (tmp_path / "third").write_text("b", encoding="utf-8")
    (tmp_path / "link_tmp").symlink_to("third")
    os.replace(tmp_path / "link_tmp", link)
    assert file_signature(link) not in (before, None)
    assert file_signature(tmp_path / "missing") is None


async def test_the_watcher_installs_new_content_ignores_the_same_and_refuses_bad(
    tmp_path: Path,
) -> None:
    path = tmp_path / "supergraph.graphql"
    old, new = _supergraph(1), _supergraph(2)
    path.write_text(old, encoding="utf-8")
    state = ServingState(Config())
    state.install(_loaded(old))
    watcher = SupergraphWatcher(state, path, 1.0)
    first = state.gateway
    assert not await watcher.check(forced=True)  # the same content: nothing to do
    assert state.gateway is first
    path.write_text("type Query {", encoding="utf-8")
    assert not await watcher.check()
    assert (state.gateway, state.status.refused) == (first, 1)
    assert "not a valid supergraph" in str(state.status.last_error)
    assert not await watcher.check()  # the same bad content is not reported again
    assert state.status.refused == 1
    path.write_text(new, encoding="utf-8")
    assert await watcher.check()
    assert state.gateway is not first
    assert (state.supergraph_hash, state.status.reloads) == (supergraph_hash(new), 1)
    assert first is not None
    assert state.hash_of(first) == supergraph_hash(old)


async def test_a_replaced_supergraph_is_freed_although_start_up_froze_it() -> None:
    state = ServingState(Config(request_timeout=0.05))
    state.install(_loaded(_supergraph(1)))
    assert state.gateway is not None
    old_type = weakref.ref(state.gateway.supergraph.api_schema.type_map["Person"])
    gc.collect()
    gc.freeze()
    try:
        state.install(_loaded(_supergraph(2)))
        gc.collect()
        assert old_type() is not None  # frozen: the collector does not see its cycles
        await asyncio.sleep(1.3)  # the request timeout, then a second
        assert old_type() is None
    finally:
        gc.unfreeze()

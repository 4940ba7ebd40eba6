"""`supergraph.yaml` loading and composing from files and from live subgraphs over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from gateway.composition import CompositionFailure, CompositionSuccess
from gateway.composition.config import (
    ComposeConfigError,
    compose_from_config,
    compose_from_config_sync,
    load_compose_config,
)
from gateway.composition.watch import watch_supergraph
from tests.gateway.composition.composition_support import FIXTURES

BENCH = FIXTURES / "bench-workload"


def _write_config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "supergraph.yaml"
    path.write_text(body)
    return path


def _file_config(tmp_path: Path) -> Path:
    lines = ["federation_version: =2.3.2", "subgraphs:"]
    for name in ("accounts", "inventory", "products", "reviews"):
        (tmp_path / f"{name}.graphql").write_text((BENCH / f"{name}.graphql").read_text())
        lines += [
            f"  {name}:",
            f"    routing_url: http://127.0.0.1:4000/{name}",
            "    schema:",
            f"      file: ./{name}.graphql",
        ]
    return _write_config(tmp_path, "\n".join(lines) + "\n")


def test_load_config_reads_rover_shape(tmp_path: Path) -> None:
    config = load_compose_config(_file_config(tmp_path))
    assert config.federation_version == "=2.3.2"
    assert [s.name for s in config.subgraphs] == ["accounts", "inventory", "products", "reviews"]
    assert config.subgraphs[0].schema_file == tmp_path / "accounts.graphql"
    assert config.subgraphs[0].routing_url == "http://127.0.0.1:4000/accounts"


def test_env_interpolation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = (
        "subgraphs:\n  a:\n    routing_url: ${env.A_URL}\n"
        "    schema:\n      subgraph_url: ${env.A_URL}\n"
        '      introspection_headers: {X-Token: "${env.A_TOKEN}"}\n'
    )
    path = _write_config(tmp_path, body)
    monkeypatch.setenv("A_URL", "http://127.0.0.1:4001/graphql")
    with pytest.raises(ComposeConfigError, match="A_TOKEN"):
        load_compose_config(path)
    monkeypatch.setenv("A_TOKEN", "s3cret")
    subgraph = load_compose_config(path).subgraphs[0]
    assert subgraph.routing_url == "http://127.0.0.1:4001/graphql"
    assert dict(subgraph.introspection_headers) == {"X-Token": "s3cret"}


@pytest.mark.parametrize(
    "body",
    [
        "subgraphs: {}\n",
        "subgraphs:\n  a:\n    routing_url: http://127.0.0.1:1/graphql\n",
        "subgraphs:\n  a:\n    schema: {file: a.graphql}\n",
        "subgraphs:\n  a:\n    routing_url: http://127.0.0.1:1\n    schema: {graphref: x@y}\n",
        "not: [valid\n",
    ],
)
def test_bad_config_is_reported(tmp_path: Path, body: str) -> None:
    path = _write_config(tmp_path, body)
    with pytest.raises(ComposeConfigError):
        load_compose_config(path)
    result = compose_from_config_sync(path)
    assert isinstance(result, CompositionFailure)
    assert [e.code for e in result.errors] == ["INVALID_CONFIG"]


def test_compose_from_files(tmp_path: Path) -> None:
    result = compose_from_config_sync(_file_config(tmp_path))
    assert isinstance(result, CompositionSuccess), str(result)
    assert 'ACCOUNTS @join__graph(name: "accounts", url: "http://127.0.0.1:4000/accounts")' in (
        result.supergraph_sdl
    )


def test_missing_file_is_a_fetch_failure(tmp_path: Path) -> None:
    path = _file_config(tmp_path)
    (tmp_path / "reviews.graphql").unlink()
    result = compose_from_config_sync(path)
    assert isinstance(result, CompositionFailure)
    assert [(e.code, e.locations[0].subgraph) for e in result.errors] == [
        ("SUBGRAPH_FETCH_FAILED", "reviews")
    ]


class _Subgraphs:
    """Serves `_service { sdl }` for the bench subgraphs on 127.0.0.1; SDLs can be swapped."""

    def __init__(self) -> None:
        self.sdl = {
            n: (BENCH / f"{n}.graphql").read_text()
            for n in ("accounts", "inventory", "products", "reviews")
        }
        self.requests = 0

    async def handle(self, request: web.Request) -> web.Response:
        self.requests += 1
        body = await request.json()
        assert "_service" in body["query"]
        if request.headers.get("X-Token") != "secret":
            return web.json_response({"errors": [{"message": "no token"}]}, status=401)
        name = request.match_info["name"]
        return web.json_response({"data": {"_service": {"sdl": self.sdl[name]}}})


@pytest.fixture
async def live(tmp_path: Path) -> AsyncIterator[tuple[_Subgraphs, Path]]:
    subgraphs = _Subgraphs()
    app = web.Application()
    app.router.add_post("/{name}/graphql", subgraphs.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    lines = ["subgraphs:"]
    for name in subgraphs.sdl:
        lines += [
            f"  {name}:",
            f"    routing_url: http://127.0.0.1:{port}/{name}/graphql",
            "    schema:",
            f"      subgraph_url: http://127.0.0.1:{port}/{name}/graphql",
            "      introspection_headers: {X-Token: secret}",
        ]
    path = _write_config(tmp_path, "\n".join(lines) + "\n")
    yield subgraphs, path
    await runner.cleanup()


async def test_compose_from_live_subgraphs(live: tuple[_Subgraphs, Path]) -> None:
    subgraphs, path = live
    result = await compose_from_config(path)
    assert isinstance(result, CompositionSuccess), str(result)
    assert subgraphs.requests == 4
    assert "shippingEstimate: Int @join__field(graph: INVENTORY" in result.supergraph_sdl


async def test_live_subgraph_refusing_is_a_fetch_failure(live: tuple[_Subgraphs, Path]) -> None:
    _, path = live
    path.write_text(path.read_text().replace("X-Token: secret", "X-Token: wrong", 1))
    result = await compose_from_config(path)
    assert isinstance(result, CompositionFailure)
    assert [(e.code, e.locations[0].subgraph) for e in result.errors] == [
        ("SUBGRAPH_FETCH_FAILED", "accounts")
    ]


async def test_watch_reports_changes_and_keeps_going_after_failures(
    live: tuple[_Subgraphs, Path],
) -> None:
    subgraphs, path = live
    changes: list[str] = []
    failures: list[CompositionFailure] = []

    async def on_change(sdl: str) -> None:
        changes.append(sdl)

    task = asyncio.create_task(watch_supergraph(path, 0.05, on_change, on_error=failures.append))
    try:
        await _until(lambda: len(changes) == 1)
        subgraphs.sdl["accounts"] = subgraphs.sdl["accounts"].replace(
            "birthday: Int", "birthday: Int  age: Int"
        )
        await _until(lambda: len(changes) == 2)
        assert "age: Int" in changes[1]
        assert "age: Int" not in changes[0]
        subgraphs.sdl["accounts"] = "type Query {"
        await _until(lambda: len(failures) == 1)
        await asyncio.sleep(0.2)
        assert len(changes) == 2
        assert len(failures) == 1
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def _until(condition: object, seconds: float = 30.0) -> None:
    assert callable(condition)
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_unreachable_and_garbled_subgraphs_are_fetch_failures(tmp_path: Path) -> None:
    async def garbled(_: web.Request) -> web.Response:
        return web.Response(text="<html>oops</html>", status=500)

    app = web.Application()
    app.router.add_post("/graphql", garbled)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    closed = web.AppRunner(web.Application())
    await closed.setup()
    closed_site = web.TCPSite(closed, "127.0.0.1", 0)
    await closed_site.start()
    closed_port = closed.addresses[0][1]
    await closed.cleanup()
    body = (
        "subgraphs:\n"
        f"  garbled:\n    routing_url: http://127.0.0.1:{port}/graphql\n"
        f"    schema: {{subgraph_url: http://127.0.0.1:{port}/graphql}}\n"
        f"  gone:\n    routing_url: http://127.0.0.1:{closed_port}/graphql\n"
        f"    schema: {{subgraph_url: http://127.0.0.1:{closed_port}/graphql}}\n"
    )
    try:
        result = await compose_from_config(_write_config(tmp_path, body))
    finally:
        await runner.cleanup()
    assert isinstance(result, CompositionFailure)
    assert sorted((e.code, e.locations[0].subgraph) for e in result.errors) == [
        ("SUBGRAPH_FETCH_FAILED", "garbled"),
        ("SUBGRAPH_FETCH_FAILED", "gone"),
    ]

"""The gateway mounted under a prefix inside another Starlette app, served by uvicorn over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route

from devstack.processes import free_port
from gateway.config import load_config
from gateway.server import create_app

pytestmark = pytest.mark.integration


def host_app(supergraph_file: Path, examples_dir: Path) -> Starlette:
    """An existing application that mounts the gateway at /api and owns its lifespan."""
    config = load_config(
        environ={"GATEWAY_GRAPHIQL_EXAMPLES_DIR": str(examples_dir)},
        overrides={"supergraph": str(supergraph_file)},
    )
    gateway = create_app(config)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with gateway.router.lifespan_context(gateway):
            yield

    async def home(request: Request) -> Response:
        return PlainTextResponse("the host application")

    return Starlette(routes=[Route("/", home), Mount("/api", app=gateway)], lifespan=lifespan)


@contextlib.asynccontextmanager
async def serving(app: Starlette) -> AsyncIterator[str]:
    """Run `app` with uvicorn in this event loop on a free 127.0.0.1 port."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(200):
            if server.started:
                break
            await asyncio.sleep(0.05)
        assert server.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=20)


async def test_mounted_gateway_answers_queries(supergraph_file: Path, examples_dir: Path) -> None:
    app = host_app(supergraph_file, examples_dir)
    query = {"query": 'query { person(id: "2") { id name } }'}
    async with serving(app) as base, aiohttp.ClientSession() as client:
        async with client.get(f"{base}/") as home:
            assert await home.text() == "the host application"
        async with client.post(f"{base}/api/graphql", json=query) as reply:
            assert reply.status == 200
            assert await reply.json(content_type=None) == {
                "data": {"person": {"id": "2", "name": "Grace Hopper"}}
            }
        async with client.get(f"{base}/api/ready") as ready:
            assert ready.status == 200
        page_headers = {"accept": "text/html"}
        async with client.get(f"{base}/api/graphql", headers=page_headers) as page:
            html = await page.text()
        assert '"url": "/api/graphql"' in html
        assert 'src="/api/graphiql-assets/graphiql.min.js"' in html
        async with client.get(f"{base}/api/graphiql-assets/gateway-graphiql.js") as script:
            assert script.status == 200
        async with client.get(f"{base}/api/", allow_redirects=False) as root:
            assert root.headers["location"] == "/api/graphql"
        async with client.post(f"{base}/graphql", json=query) as outside:
            assert outside.status == 404

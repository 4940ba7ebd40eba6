"""What browsers meet: CORS when set, GraphiQL with hostile examples, production mode."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from devstack.processes import Service
from tests.gateway.server.server_support import call, post_json, start_gateway_process

pytestmark = pytest.mark.integration

ORIGIN = "http://127.0.0.1:5173"
HOSTILE = (
    "# </script><script>alert(2)</script>\n# order: 1\n# auth: none\n# signs-out: x\n"
    '# variables: {"x": "</script><script>alert(1)</script>"}\n{ people { id } }\n'
)


@pytest.fixture(scope="module")
def cors_gateway(supergraph_file: Path, server_dir: Path) -> Iterator[Service]:
    examples = server_dir / "hostile-examples"
    examples.mkdir(exist_ok=True)
    (examples / "hostile.graphql").write_text(HOSTILE, encoding="utf-8")
    env = {
        "GATEWAY_CORS_ALLOW_ORIGINS": ORIGIN,
        "GATEWAY_GRAPHIQL_EXAMPLES_DIR": str(examples),
    }
    service = start_gateway_process(
        ["--supergraph", str(supergraph_file)], server_dir / "gateway-cors.log", env
    )
    try:
        yield service
    finally:
        service.stop()


def test_cors_preflight_and_response_for_allowed_origin(cors_gateway: Service) -> None:
    preflight = call(
        cors_gateway.port,
        "OPTIONS",
        "/graphql",
        headers={
            "origin": ORIGIN,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type, authorization",
        },
    )
    assert preflight.status == 200
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    reply = post_json(cors_gateway.port, {"query": "{ people { id } }"}, headers={"origin": ORIGIN})
    assert reply.headers["access-control-allow-origin"] == ORIGIN


def test_cors_refuses_other_origins(cors_gateway: Service) -> None:
    other = "http://127.0.0.1:9999"
    preflight = call(
        cors_gateway.port,
        "OPTIONS",
        "/graphql",
        headers={"origin": other, "access-control-request-method": "POST"},
    )
    assert preflight.status == 400
    assert "access-control-allow-origin" not in preflight.headers


def test_cors_is_off_by_default(gateway: Service) -> None:
    reply = post_json(gateway.port, {"query": "{ people { id } }"}, headers={"origin": ORIGIN})
    assert "access-control-allow-origin" not in reply.headers


def test_example_text_cannot_break_out_of_the_page(cors_gateway: Service) -> None:
    page = call(cors_gateway.port, "GET", "/graphql", headers={"accept": "text/html"})
    html = page.body.decode()
    assert html.count("<script") == 5  # the config block and the four bundles, nothing injected
    config = re.search(r'<script type="application/json"[^>]*>(.*?)</script>', html, re.S)
    assert config is not None
    page_config = orjson.loads(config.group(1))
    tab = page_config["tabs"][0]
    assert "</script><script>alert(1)</script>" in tab["variables"]
    # The shown text reaches the page twice (the tab, the sign-out rule): escaped both times.
    assert tab["query"].startswith("# </script><script>alert(2)</script>\n{")
    assert page_config["session"]["signOut"]["query"] == tab["query"]


def test_production_mode_serves_no_graphiql_and_no_plans(
    supergraph_file: Path, server_dir: Path
) -> None:
    log_path = server_dir / "gateway-production.log"
    service = start_gateway_process(
        ["--supergraph", str(supergraph_file), "--production"], log_path
    )
    try:
        page = call(service.port, "GET", "/graphql", headers={"accept": "text/html"})
        assert page.status == 406
        assert call(service.port, "GET", "/graphiql-assets/graphiql.min.js").status == 404
        headers = {"apollo-query-plan-experimental": "1"}
        reply = post_json(service.port, {"query": "{ people { id } }"}, headers=headers)
        assert reply.json() == {"data": {"people": [{"id": "1"}, {"id": "2"}]}}
    finally:
        service.stop()

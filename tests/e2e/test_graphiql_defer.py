"""GraphiQL in headless Chromium shows a `@defer` answer: its fetcher accepts multipart, the
gateway streams the parts, and GraphiQL merges them into one result as they arrive."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from devstack.processes import Service
from tests.e2e.browser_support import PageLog
from tests.gateway.server.server_support import (
    people_supergraph,
    start_gateway_process,
    start_people_subgraph,
)

pytestmark = pytest.mark.e2e

EXAMPLE = """# order: 1
query Deferred {
  people { id ... @defer(label: "names") { name } }
  ... @defer(label: "slow") { slow(seconds: 1) }
}
"""


@pytest.fixture(scope="module")
def defer_gateway(test_output_root: Path) -> Iterator[Service]:
    """The `people` subgraph behind a gateway whose GraphiQL opens on a `@defer` example."""
    work = test_output_root / "e2e-graphiql-defer"
    examples = work / "examples"
    examples.mkdir(parents=True, exist_ok=True)
    (examples / "deferred.graphql").write_text(EXAMPLE, encoding="utf-8")
    subgraph = start_people_subgraph(work)
    try:
        supergraph = work / "supergraph.graphql"
        supergraph.write_text(people_supergraph(f"{subgraph.url}/graphql"), encoding="utf-8")
        env = {"GATEWAY_GRAPHIQL_EXAMPLES_DIR": str(examples)}
        gateway = start_gateway_process(
            ["--supergraph", str(supergraph), "--dev"], work / "gateway.log", env
        )
        try:
            yield gateway
        finally:
            gateway.stop()
    finally:
        subgraph.stop()


def test_graphiql_merges_the_deferred_parts(
    defer_gateway: Service, local_page: tuple[Page, PageLog], output_dir: Path
) -> None:
    page, log = local_page
    page.goto(f"http://127.0.0.1:{defer_gateway.port}/graphql")
    expect(page.locator(".graphiql-query-editor")).to_contain_text("@defer", timeout=20_000)
    with page.expect_response(lambda r: "@defer" in (r.request.post_data or "")) as answered:
        page.locator(".graphiql-execute-button").click()
    response = answered.value
    assert "multipart/mixed" in (response.request.header_value("accept") or "")
    assert response.header_value("content-type") == (
        'multipart/mixed; boundary="-"; deferSpec=20220824'
    )
    result = page.locator(".graphiql-response")
    expect(result).to_contain_text("Grace Hopper", timeout=15_000)
    expect(result).to_contain_text("slept 1", timeout=15_000)
    expect(result).not_to_contain_text("hasNext")
    expect(result).not_to_contain_text("incremental")
    page.get_by_label("Show Query plan").click()
    expect(page.locator(".gateway-query-plan")).to_contain_text('label: "names"')
    page.screenshot(path=str(output_dir / "graphiql-defer.png"))
    assert log.blocked == []
    assert log.page_errors == []

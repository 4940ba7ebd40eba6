"""GraphiQL in headless Chromium: loads offline, shows docs, runs an example, shows the plan."""

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

EXAMPLE = """# Looks a person up by id.
# order: 10
# variables: {"id": "2"}
query PersonById($id: ID!) {
  person(id: $id) { id name }
}
"""
SECOND_EXAMPLE = "# order: 20\nquery Everyone {\n  people { id name }\n}\n"


@pytest.fixture(scope="module")
def people_gateway(test_output_root: Path) -> Iterator[Service]:
    """The tiny `people` subgraph behind a gateway whose GraphiQL has two example tabs."""
    work = test_output_root / "e2e-graphiql"
    examples = work / "examples"
    examples.mkdir(parents=True, exist_ok=True)
    (examples / "person.graphql").write_text(EXAMPLE, encoding="utf-8")
    (examples / "everyone.graphql").write_text(SECOND_EXAMPLE, encoding="utf-8")
    subgraph = start_people_subgraph(work)
    try:
        supergraph = work / "supergraph.graphql"
        supergraph.write_text(people_supergraph(f"{subgraph.url}/graphql"), encoding="utf-8")
        env = {"GATEWAY_GRAPHIQL_EXAMPLES_DIR": str(examples)}
        gateway = start_gateway_process(
            ["--supergraph", str(supergraph)], work / "gateway.log", env
        )
        try:
            yield gateway
        finally:
            gateway.stop()
    finally:
        subgraph.stop()


def test_graphiql_runs_an_example_offline(
    people_gateway: Service, local_page: tuple[Page, PageLog], output_dir: Path
) -> None:
    page, log = local_page
    page.goto(f"http://127.0.0.1:{people_gateway.port}/graphql")
    expect(page.locator(".graphiql-container")).to_be_visible(timeout=20_000)
    expect(page.locator(".graphiql-query-editor")).to_contain_text("query PersonById")
    expect(page.locator(".graphiql-tab")).to_have_count(2)
    expect(page.locator(".graphiql-editor-tools")).to_contain_text("Headers")
    expect(page.locator(".graphiql-editor-tool")).to_contain_text("Bearer <token>")

    page.locator(".graphiql-execute-button").click()
    response = page.locator(".graphiql-response")
    expect(response).to_contain_text("Grace Hopper", timeout=15_000)
    expect(response).not_to_contain_text("queryPlan")

    page.get_by_label("Show Query plan").click()
    expect(page.locator(".gateway-query-plan")).to_contain_text('Fetch(service: "people")')
    page.screenshot(path=str(output_dir / "graphiql-query-plan.png"))

    page.get_by_label("Show Documentation Explorer").click()
    expect(page.locator(".graphiql-doc-explorer")).to_contain_text("Query", timeout=15_000)

    page.screenshot(path=str(output_dir / "graphiql.png"))
    assert log.blocked == []
    assert log.page_errors == []
    assert log.console_errors == []


def test_graphiql_second_tab_runs_too(
    people_gateway: Service, local_page: tuple[Page, PageLog], output_dir: Path
) -> None:
    page, log = local_page
    page.goto(f"http://127.0.0.1:{people_gateway.port}/graphql")
    page.locator(".graphiql-tab").nth(1).click()
    expect(page.locator(".graphiql-query-editor")).to_contain_text("query Everyone")
    page.locator(".graphiql-execute-button").click()
    expect(page.locator(".graphiql-response")).to_contain_text("Ada Lovelace", timeout=15_000)
    page.screenshot(path=str(output_dir / "graphiql-second-tab.png"))
    assert log.blocked == []
    assert log.page_errors == []

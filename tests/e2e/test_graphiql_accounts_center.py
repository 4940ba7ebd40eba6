"""GraphiQL on the real Accounts Center graph: sign in, then run the one query from `examples/`.

The four subgraphs run over HTTP on their own database prefix, the demo world is loaded, and the
gateway serves the checked-in `schema/supergraph.graphql` with the repository's `examples/`. The
browser does what a new user does: run the SignIn tab, paste the token into the Headers editor,
run the Me tab (whose headers still show the placeholder), and read the answer and its plan.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from devstack.demo import load_demo_world
from devstack.demo_people import DEMO_PERSON
from devstack.processes import Service, free_port
from devstack.stack import ROOT, gateway_env, start_gateway
from tests.e2e.browser_support import PageLog

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

# The visible one of the two editors (variables, headers) below the query.
HEADERS_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"


@pytest.fixture(scope="module")
def accounts_center_gateway(
    subgraph_stack: dict[str, Service], test_output_root: Path
) -> Iterator[Service]:
    """The gateway in front of the four subgraphs, with the demo world loaded."""
    load_demo_world({name: f"{svc.url}/graphql" for name, svc in subgraph_stack.items()})
    env = gateway_env(subgraph_stack)
    env["GATEWAY_GRAPHIQL_EXAMPLES_DIR"] = str(ROOT / "examples")
    log_path = test_output_root / "e2e-accounts-center" / "gateway.log"
    gateway = start_gateway(ROOT / "schema" / "supergraph.graphql", free_port(), env, log_path)
    try:
        yield gateway
    finally:
        gateway.stop()


def editor_value(page: Page, selector: str) -> str:
    """The text of the CodeMirror editor inside `selector`."""
    script = f"document.querySelector('{selector} .CodeMirror').CodeMirror.getValue()"
    return str(page.evaluate(script))


def open_tab(page: Page, name: str) -> None:
    page.locator(".graphiql-tab-button", has_text=re.compile(f"^{name}$")).click()
    expect(page.locator(".graphiql-query-editor")).to_contain_text(name)


@pytest.mark.timeout(600)  # its fixture starts four subgraphs and loads the demo world first
def test_sign_in_then_the_one_query(
    accounts_center_gateway: Service, local_page: tuple[Page, PageLog], output_dir: Path
) -> None:
    page, log = local_page
    page.goto(f"http://127.0.0.1:{accounts_center_gateway.port}/graphql")
    expect(page.locator(".graphiql-container")).to_be_visible(timeout=20_000)

    open_tab(page, "SignIn")
    page.locator(".graphiql-execute-button").click()
    expect(page.locator(".graphiql-response")).to_contain_text("token", timeout=20_000)
    token = json.loads(editor_value(page, ".graphiql-response"))["data"]["signIn"]["token"]

    # The token goes into this tab's headers, as the example says; the Me tab still shows the
    # placeholder, and GraphiQL sends the token given once from every tab.
    page.locator(".graphiql-editor-tools button", has_text="Headers").click()
    headers = json.dumps({"Authorization": f"Bearer {token}"})
    page.evaluate(
        "value => document.querySelector(" + repr(HEADERS_EDITOR) + ").CodeMirror.setValue(value)",
        headers,
    )
    page.locator(".graphiql-execute-button").click()
    expect(page.locator(".graphiql-response")).to_contain_text("expiresAt", timeout=20_000)

    open_tab(page, "Me")
    assert "Bearer <token>" in editor_value(
        page, ".graphiql-editor-tool .graphiql-editor:not(.hidden)"
    )
    page.locator(".graphiql-execute-button").click()
    response = page.locator(".graphiql-response")
    expect(response).to_contain_text(DEMO_PERSON.display_name, timeout=30_000)
    answer = json.loads(editor_value(page, ".graphiql-response"))
    assert "errors" not in answer, answer
    me = answer["data"]["me"]
    assert me["whatsapp"]["phoneNumber"] == DEMO_PERSON.phone_number
    page.screenshot(path=str(output_dir / "graphiql-me.png"))

    page.get_by_label("Show Query plan").click()
    plan = page.locator(".gateway-query-plan")
    for service in ("accounts", "whatsapp", "facebook", "instagram"):
        expect(plan).to_contain_text(f'Fetch(service: "{service}")')
    page.screenshot(path=str(output_dir / "graphiql-me-plan.png"))
    assert log.blocked == []
    assert log.page_errors == []

"""GraphiQL on the real Accounts Center graph, as a newcomer meets it on a 1280x800 screen.

The four subgraphs run over HTTP on their own database prefix, the demo world is loaded, and the
gateway serves the checked-in `schema/supergraph.graphql` with the repository's `examples/`. The
browser does what the README's "Try it" says: every tab in sight and free of tooling lines, run
SignIn (GraphiQL keeps the token itself), run Me with it, reload, sign out, and sign out again
from the badge. Screenshots go to the test's output folder.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Request, expect

from devstack.demo import load_demo_world
from devstack.demo_people import DEMO_PERSON
from devstack.graphql_client import post_graphql
from devstack.processes import Service, free_port
from devstack.stack import ROOT, gateway_env, start_gateway
from tests.e2e.browser_support import PageLog

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

# The visible one of the two editors (variables, headers) below the query.
TOOL_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden)"
BADGE = ".gateway-session"
SESSION_KEY = "gateway-graphiql:session"
# Each tab: its name, whether its box lies inside the window and above the editors, and whether
# a click at its centre lands on it (not on something covering it, nor clipped away).
TABS_IN_SIGHT = """() => {
  const editors = document.querySelector('.graphiql-session').getBoundingClientRect();
  return [...document.querySelectorAll('.graphiql-tab')].map(tab => {
    const box = tab.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return {
      name: tab.querySelector('.graphiql-tab-button').textContent,
      inside: box.left >= 0 && box.top >= 0 && box.right <= innerWidth
        && box.bottom <= editors.top,
      onTop: tab.contains(hit),
    };
  });
}"""


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
    expect(page.locator(".graphiql-tab-active .graphiql-tab-button")).to_have_text(name)
    expect(page.locator(".graphiql-query-editor")).to_contain_text(name)


def run(page: Page, operation: str) -> Request:
    """Press the run button; the request that carried `operation`."""

    def carries(request: Request) -> bool:
        body = request.post_data or ""
        return request.method == "POST" and f"{operation}" in body and "Introspection" not in body

    with page.expect_request(carries) as sent:
        page.locator(".graphiql-execute-button").click()
    return sent.value


def set_headers(page: Page, text: str) -> None:
    """Open the Headers panel below the query and replace its text."""
    page.locator(".graphiql-editor-tools button", has_text="Headers").click()
    script = (
        f"value => document.querySelector('{TOOL_EDITOR} .CodeMirror').CodeMirror.setValue(value)"
    )
    page.evaluate(script, text)


def authorization(request: Request) -> str | None:
    return request.all_headers().get("authorization")


def answer(page: Page, waiting_for: str) -> dict[str, Any]:
    expect(page.locator(".graphiql-response")).to_contain_text(waiting_for, timeout=30_000)
    parsed: dict[str, Any] = json.loads(editor_value(page, ".graphiql-response"))
    return parsed


def stored_session(page: Page) -> Any:
    return page.evaluate(f"JSON.parse(sessionStorage.getItem('{SESSION_KEY}') || 'null')")


def new_session_token(page: Page, old: str) -> str:
    """The session's token once it is no longer `old` (the page's CSP forbids wait_for_function)."""
    for _ in range(100):
        token = (stored_session(page) or {}).get("token")
        if token and token != old:
            return str(token)
        page.wait_for_timeout(100)
    raise AssertionError("the session kept its token")


def assert_every_tab_in_sight(page: Page) -> list[str]:
    tabs = page.evaluate(TABS_IN_SIGHT)
    hidden = [tab["name"] for tab in tabs if not (tab["inside"] and tab["onTop"])]
    assert hidden == [], f"tabs out of sight at 1280x800: {hidden}"
    return [str(tab["name"]) for tab in tabs]


@pytest.mark.timeout(600)  # its fixture starts four subgraphs and loads the demo world first
def test_first_five_minutes_in_graphiql(
    accounts_center_gateway: Service, laptop_page: tuple[Page, PageLog], output_dir: Path
) -> None:
    page, log = laptop_page
    url = f"http://127.0.0.1:{accounts_center_gateway.port}/graphql"
    page.goto(url)
    expect(page.locator(".graphiql-container")).to_be_visible(timeout=20_000)
    expect(page.locator(BADGE)).to_have_text("Not signed in: run SignIn")
    page.screenshot(path=str(output_dir / "1-first-visit.png"))

    # Every example is a tab in sight, and no editor shows a tooling line.
    names = assert_every_tab_in_sight(page)
    assert len(names) == len(list((ROOT / "examples").glob("*.graphql")))
    assert {"SignIn", "Me", "SignOut"} <= set(names)
    for name in names:
        open_tab(page, name)
        text = editor_value(page, ".graphiql-query-editor")
        assert not re.search(r"^#\s*[a-z][a-z-]*:", text, re.M), (name, text)
        assert "mission" not in text, name

    # SignIn opens on its Variables; running it signs GraphiQL in, no copying.
    open_tab(page, "SignIn")
    expect(page.locator(TOOL_EDITOR)).to_contain_text(DEMO_PERSON.email)
    assert authorization(run(page, "SignIn")) is None
    token = answer(page, "token")["data"]["signIn"]["token"]
    expect(page.locator(BADGE)).to_have_text(f"Signed in as {DEMO_PERSON.display_name}Sign out")
    assert stored_session(page)["token"] == token
    page.screenshot(path=str(output_dir / "2-signed-in.png"))

    # Me sends the token although its Headers editor holds only the placeholder.
    open_tab(page, "Me")
    assert authorization(run(page, "query Me")) == f"Bearer {token}"
    me = answer(page, DEMO_PERSON.display_name)
    assert "errors" not in me, me
    assert me["data"]["me"]["whatsapp"]["phoneNumber"] == DEMO_PERSON.phone_number
    page.get_by_label("Show Query plan").click()
    for service in ("accounts", "whatsapp", "facebook", "instagram"):
        expect(page.locator(".gateway-query-plan")).to_contain_text(f'Fetch(service: "{service}")')
    page.screenshot(path=str(output_dir / "3-me-and-its-plan.png"))

    # A reload keeps the active tab in sight and the session signed in.
    page.wait_for_timeout(1_000)  # GraphiQL saves its tabs half a second after a change
    page.reload()
    expect(page.locator(".graphiql-tab-active .graphiql-tab-button")).to_have_text(
        "Me", timeout=20_000
    )
    assert_every_tab_in_sight(page)
    expect(page.locator(BADGE)).to_contain_text(f"Signed in as {DEMO_PERSON.display_name}")
    page.screenshot(path=str(output_dir / "4-after-reload.png"))

    # SignOut revokes the token and GraphiQL stops sending it.
    open_tab(page, "SignOut")
    assert authorization(run(page, "SignOut")) == f"Bearer {token}"
    expect(page.locator(BADGE)).to_contain_text("Signed out: the token was revoked")
    assert stored_session(page) is None
    open_tab(page, "Me")
    assert authorization(run(page, "query Me")) is None
    refused = answer(page, "UNAUTHORIZED_FIELD_OR_TYPE")
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHORIZED_FIELD_OR_TYPE"
    page.screenshot(path=str(output_dir / "5-signed-out.png"))

    # Signed in again: a tab's own Authorization overrides the session's ("" sends none) and a
    # refusal of it leaves the session alone.
    open_tab(page, "SignIn")
    run(page, "SignIn")
    expect(page.locator(BADGE)).to_contain_text("Signed in as")
    earlier = stored_session(page)["token"]
    assert earlier != token
    assert authorization(run(page, "SignIn")) is None  # `# auth: none`, even when signed in
    second = new_session_token(page, earlier)
    open_tab(page, "AccountsCenter")  # not run before: no earlier answer in its response pane
    set_headers(page, '{"Authorization": ""}')
    assert authorization(run(page, "query AccountsCenter")) is None
    answer(page, "UNAUTHORIZED_FIELD_OR_TYPE")  # shown once the script has seen the answer
    expect(page.locator(BADGE)).to_contain_text("Signed in as")
    set_headers(page, '{"Authorization": "Bearer <token>"}')

    # The badge's Sign out revokes the session's token.
    with page.expect_request(lambda request: "SignOut" in (request.post_data or "")) as sent:
        page.locator(BADGE).get_by_role("button", name="Sign out").click()
    assert authorization(sent.value) == f"Bearer {second}"
    expect(page.locator(BADGE)).to_contain_text("Signed out")
    after = post_graphql(url, "{ me { displayName } }", token=second)
    assert "UNAUTHENTICATED" in {(e.get("extensions") or {}).get("code") for e in after.errors}

    # A token revoked elsewhere (another device signs out) is refused: GraphiQL says so and
    # stops sending it.
    open_tab(page, "SignIn")
    run(page, "SignIn")
    expect(page.locator(BADGE)).to_contain_text("Signed in as")
    third = stored_session(page)["token"]
    post_graphql(url, "mutation { signOut }", token=third)
    open_tab(page, "Me")
    assert authorization(run(page, "query Me")) == f"Bearer {third}"
    expect(page.locator(BADGE)).to_contain_text("the token was refused")
    assert stored_session(page) is None
    assert authorization(run(page, "query Me")) is None
    assert_every_tab_in_sight(page)  # the badge's longer note leaves the tabs in sight too
    page.screenshot(path=str(output_dir / "6-token-refused.png"))
    assert log.blocked == []
    assert log.page_errors == []


POST_STATUS = "mutation($t: String!) { postStatus(text: $t, crossPost: false) { status { id } } }"


@pytest.mark.timeout(600)
def test_the_subscription_tab_streams_each_posted_status(
    accounts_center_gateway: Service, laptop_page: tuple[Page, PageLog], output_dir: Path
) -> None:
    page, log = laptop_page
    url = f"http://127.0.0.1:{accounts_center_gateway.port}/graphql"
    page.goto(url)
    expect(page.locator(".graphiql-container")).to_be_visible(timeout=20_000)
    open_tab(page, "SignIn")
    run(page, "SignIn")
    expect(page.locator(BADGE)).to_contain_text("Signed in as")
    token = stored_session(page)["token"]

    # GraphiQL streams the subscription over SSE, with the session's token.
    open_tab(page, "StatusPosted")
    sent = run(page, "StatusPosted")
    assert sent.all_headers().get("accept") == "text/event-stream"
    assert authorization(sent) == f"Bearer {token}"
    for attempt in range(15):  # the gateway subscribes at WhatsApp a moment after the request
        post_graphql(url, POST_STATUS, {"t": f"streamed {attempt}"}, token=token)
        try:
            expect(page.locator(".graphiql-response")).to_contain_text("streamed", timeout=1_000)
            break
        except AssertionError:
            continue
    event = answer(page, "streamed")
    assert "errors" not in event, event
    person = event["data"]["statusPosted"]["account"]["person"]
    assert person["displayName"] == DEMO_PERSON.display_name  # from accounts, per event
    page.screenshot(path=str(output_dir / "subscription-event.png"))
    assert log.blocked == []
    assert log.page_errors == []


@pytest.mark.timeout(600)
def test_cross_posts_settle_on_screen_while_another_tab_posts(
    accounts_center_gateway: Service, laptop_page: tuple[Page, PageLog], output_dir: Path
) -> None:
    """Issue 17's Show, as a newcomer tries it: the CrossPostSettled tab streams in one
    browser tab while PostStatus runs in another, and each platform's DONE arrives on screen."""
    watcher, log = laptop_page
    url = f"http://127.0.0.1:{accounts_center_gateway.port}/graphql"
    poster = watcher.context.new_page()
    for page in (watcher, poster):  # each browser tab keeps its own session (sessionStorage)
        page.goto(url)
        expect(page.locator(".graphiql-container")).to_be_visible(timeout=20_000)
        open_tab(page, "SignIn")
        run(page, "SignIn")
        expect(page.locator(BADGE)).to_contain_text("Signed in as")
    open_tab(watcher, "CrossPostSettled")
    sent = run(watcher, "CrossPostSettled")
    assert sent.all_headers().get("accept") == "text/event-stream"
    watcher.wait_for_timeout(1_000)  # the gateway subscribes at WhatsApp a moment after
    open_tab(poster, "PostStatus")
    run(poster, "PostStatus")
    posted = answer(poster, "sharedTo")
    assert "errors" not in posted, posted
    status_id = posted["data"]["postStatus"]["status"]["id"]
    event = answer(watcher, '"DONE"')
    assert "errors" not in event, event
    settled = event["data"]["crossPostSettled"]
    assert settled["status"]["id"] == status_id
    assert settled["crossPost"]["platform"] in {"FACEBOOK", "INSTAGRAM"}
    assert settled["crossPost"]["story"]["caption"]  # from Facebook or Instagram, per event
    watcher.bring_to_front()
    watcher.screenshot(path=str(output_dir / "cross-post-settled.png"))
    assert log.blocked == []
    assert log.page_errors == []

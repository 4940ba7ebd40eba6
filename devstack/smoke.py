"""`make smoke`: start everything, sign in as the demo person, run every example, stop everything.

It fails (exit 1, with the reason and where the logs are) on any GraphQL error, on missing data
(null or an empty list that the example does not allow), and when the status the smoke run
cross-posts does not come back, with its Facebook and Instagram stories, in the one `Me` query.
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from graphql import OperationDefinitionNode, OperationType, parse

from devstack.checks import lookup, missing_data
from devstack.demo import DEMO_PERSON, load_demo_world, sign_in
from devstack.event_stream import EventStream
from devstack.examples import Example, load_examples
from devstack.graphql_client import GraphQLError, post_graphql
from devstack.processes import ServiceStartError, free_port
from devstack.stack import ROOT
from devstack.up import RunningStack, StackOptions, start_stack

__all__ = ["SmokeFailure", "check_cross_post", "run_examples", "smoke"]

LOG_ROOT = ROOT / "test-output" / "smoke"
CROSS_POST_CAPTURE = "crossPostedStatusId"
SUBSCRIBE_SECONDS = 1.0
"""After opening a subscription example: the gateway subscribes at the subgraph in the
background (the protocol has no acknowledgement), so the next example's event is not missed."""
EVENT_SECONDS = 10.0


class SmokeFailure(RuntimeError):
    """One example failed; the message says which and why."""


@dataclass
class SmokeState:
    """What the run has learnt so far: the token and values captured from earlier examples."""

    token: str
    captured: dict[str, Any] = field(default_factory=dict)
    results: dict[str, dict[str, Any]] = field(default_factory=dict)


def run_example(url: str, example: Example, state: SmokeState) -> dict[str, Any]:
    """Run one example through the gateway and check its answer; return its data."""
    token = state.token if example.needs_auth else None
    response = post_graphql(url, example.query, example.variables, token=token)
    if example.expect_error is not None:
        codes = [str((e.get("extensions") or {}).get("code")) for e in response.errors]
        if example.expect_error not in codes:
            raise SmokeFailure(
                f"{example.name}: expected error {example.expect_error}, got {response.body}"
            )
        return {}
    if response.errors:
        raise SmokeFailure(f"{example.name}: errors: {json.dumps(response.errors)[:2000]}")
    if response.data is None:
        raise SmokeFailure(f"{example.name}: HTTP {response.status} without data")
    missing = missing_data(response.data, example.allow_null, example.allow_empty)
    if missing:
        raise SmokeFailure(f"{example.name}: missing data: {'; '.join(missing[:20])}")
    for name, path in example.captures:
        value = lookup(response.data, path)
        if value is None:
            raise SmokeFailure(f"{example.name}: nothing at {path} to capture as {name}")
        state.captured[name] = value
        if name == "token":
            state.token = str(value)  # the sign-in example's token is used from then on
    return response.data


def check_cross_post(me: dict[str, Any], status_id: str) -> None:
    """The cross-posted status appears in `me` with a story on Facebook and on Instagram."""
    person = me.get("me") or {}
    statuses = (person.get("whatsapp") or {}).get("statuses") or []
    status = next((s for s in statuses if s.get("id") == status_id), None)
    if status is None:
        raise SmokeFailure(f"me: the cross-posted status {status_id} is not in whatsapp.statuses")
    stories = {
        post.get("platform"): (post.get("story") or {}).get("id")
        for post in status.get("sharedTo") or []
    }
    for platform in ("FACEBOOK", "INSTAGRAM"):
        story_id = stories.get(platform)
        if not story_id:
            raise SmokeFailure(f"me: status {status_id} has no {platform} story in sharedTo")
        profile = person.get(platform.lower()) or {}
        listed = [story.get("id") for story in profile.get("stories") or []]
        if story_id not in listed:
            raise SmokeFailure(
                f"me: {platform} story {story_id} is not in {platform.lower()}.stories"
            )


def run_examples(url: str, examples: list[Example], state: SmokeState) -> None:
    """Every example in order, printing one line each; the cross-post is checked on `me`."""
    if not examples:
        raise SmokeFailure("no examples found in examples/")
    signed_out: str | None = None
    streams: dict[str, EventStream] = {}
    for example in examples:
        started = time.monotonic()
        if is_subscription(example.query):
            token = state.token if example.needs_auth else None
            streams[example.name] = EventStream(url, token, example.query, example.variables)
            time.sleep(SUBSCRIBE_SECONDS)
            print(f"  ..  {example.name:<28} open; its first event is checked at the end")
            continue
        sent = state.token
        data = run_example(url, example, state)
        state.results[example.name] = data
        if example.name == "me" and CROSS_POST_CAPTURE in state.captured:
            check_cross_post(data, str(state.captured[CROSS_POST_CAPTURE]))
        if example.signs_out is not None:
            if lookup(data, example.signs_out) is not True:
                raise SmokeFailure(f"{example.name}: {example.signs_out} is not true: {data}")
            signed_out = sent
        print(f"  ok  {example.name:<28} {1000 * (time.monotonic() - started):7.1f} ms")
    if "me" not in state.results:
        raise SmokeFailure("examples/me.graphql (the one query) was not run")
    if CROSS_POST_CAPTURE not in state.captured:
        raise SmokeFailure(f"no example captured {CROSS_POST_CAPTURE}: nothing was cross-posted")
    if signed_out is not None:
        check_signed_out(url, signed_out)
    for example in examples:
        if example.name in streams:
            check_first_event(example, streams.pop(example.name))


def is_subscription(query: str) -> bool:
    """Whether the example's (first) operation is a subscription."""
    operations = [d for d in parse(query).definitions if isinstance(d, OperationDefinitionNode)]
    return bool(operations) and operations[0].operation == OperationType.SUBSCRIPTION


def check_first_event(example: Example, stream: EventStream) -> None:
    """A subscription example heard an event, with all its data, while the others ran."""
    try:
        kind, body = stream.next_event(EVENT_SECONDS)
    except AssertionError as error:
        raise SmokeFailure(f"{example.name}: {error}") from None
    finally:
        stream.close()
    if kind != "next" or not isinstance(body, dict) or body.get("errors"):
        raise SmokeFailure(f"{example.name}: expected an event with data, got {kind}: {body}")
    missing = missing_data(body.get("data") or {}, example.allow_null, example.allow_empty)
    if missing:
        raise SmokeFailure(f"{example.name}: missing data: {'; '.join(missing[:20])}")
    print(f"  ok  {example.name:<28} heard an event")


def check_signed_out(url: str, token: str) -> None:
    """After the sign-out example (`# signs-out:`), the token it was sent with is refused."""
    response = post_graphql(url, "query { me { displayName } }", token=token)
    codes = {str((e.get("extensions") or {}).get("code")) for e in response.errors}
    if "UNAUTHENTICATED" not in codes:
        raise SmokeFailure(f"sign-out: the revoked token still works: {response.body}")
    print("  ok  the signed-out token is refused")


def _smoke_in(stack: RunningStack) -> None:
    urls = {name: stack.subgraph_url(name) for name in stack.subgraph_urls}
    print("loading the demo world through the subgraphs ...")
    load_demo_world(urls)
    token = sign_in(stack.graphql_url, DEMO_PERSON.email, DEMO_PERSON.password)
    print(f"signed in through the gateway as {DEMO_PERSON.email}")
    run_examples(stack.graphql_url, load_examples(), SmokeState(token=token))


def smoke() -> int:
    """Entry point of `python -m devstack smoke`; 0 when every example passed."""
    log_dir = LOG_ROOT / time.strftime("%Y%m%d-%H%M%S")
    options = StackOptions(
        log_dir=log_dir,
        gateway_port=free_port(),
        db_prefix=f"smoke_{uuid.uuid4().hex[:10]}",
        drop_data_on_stop=True,
    )
    print(f"starting the database, Redis, four subgraphs and the gateway (logs: {log_dir})")
    try:
        stack = start_stack(options)
    except (ServiceStartError, FileNotFoundError, RuntimeError) as exc:
        print(f"SMOKE FAILED: could not start: {exc}", file=sys.stderr)
        return 1
    try:
        _smoke_in(stack)
    except (SmokeFailure, GraphQLError, OSError) as exc:
        print(f"SMOKE FAILED: {exc}\n(logs: {log_dir})", file=sys.stderr)
        return 1
    finally:
        stack.stop()
    print("smoke passed")
    return 0

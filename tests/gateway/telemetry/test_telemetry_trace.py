"""One trace from the gateway through the accounts subgraph to the database, and what an operator
scrapes and reads: real processes (a gateway, accounts on FerretDB) and a real OTLP receiver.

The gateway serves the Accounts Center supergraph with only accounts running; the requests ask
accounts alone. Checked: span names, attributes and parentage across the three tiers (the
PyMongo instrumentation on pymongo's async client included), both `/metrics` pages parsed as
Prometheus text, and the JSON access log without the token, password or email sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from prometheus_client.parser import text_string_to_metric_families

from devstack.database import drop_prefixed, new_prefix
from devstack.graphql_client import post_graphql
from devstack.processes import Service, free_port, start_service
from devstack.stack import JWKS_PATH, JWKS_URL_ENV, ROOT, start_gateway, subgraph_env
from tests.gateway.subscriptions.protocol_client import connected
from tests.gateway.telemetry.otlp_receiver import OtlpReceiver, ReceivedSpan

pytestmark = pytest.mark.integration

SIGN_UP = """mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) { token person { displayName } }
}"""
ME = "query Me { me { displayName } }"
TOGGLE = (
    "mutation { off: setLinkingEnabled(enabled: false) { enabled }"
    " on: setLinkingEnabled(enabled: true) { enabled } }"
)
SERVER, CLIENT = 2, 3  # OTLP span kinds


@dataclass(frozen=True, slots=True)
class Traced:
    protocol: str
    receiver: OtlpReceiver
    gateway: Service
    accounts: Service
    token: str
    email: str
    password: str


def _accounts(mongodb_uri: str, prefix: str, log_dir: Path, otlp: str, protocol: str) -> Service:
    ports = {name: free_port() for name in ("accounts", "whatsapp", "facebook", "instagram")}
    env = subgraph_env("accounts", ports, mongodb_uri, prefix, secrets.token_urlsafe(16), "EU")
    env.update(
        OTEL_EXPORTER_OTLP_ENDPOINT=otlp,
        OTEL_EXPORTER_OTLP_PROTOCOL=protocol,
        OTEL_BSP_SCHEDULE_DELAY="100",
    )
    port = ports["accounts"]
    return start_service(
        "accounts",
        [sys.executable, "-m", "subgraphs.accounts"],
        env,
        f"http://127.0.0.1:{port}/health",
        log_dir / "accounts.log",
        90.0,
        port=port,
    )


@pytest.fixture(scope="module", params=["http/protobuf", "grpc"])
def traced(
    mongodb_uri: str, test_output_root: Path, request: pytest.FixtureRequest
) -> Iterator[Traced]:
    """Everything sends spans over one OTLP protocol: HTTP/protobuf, then gRPC."""
    protocol: str = request.param
    log_dir = test_output_root / "gateway-telemetry" / protocol.replace("/", "-")
    log_dir.mkdir(parents=True, exist_ok=True)
    prefix = new_prefix()
    with OtlpReceiver(protocol) as receiver:
        accounts = _accounts(mongodb_uri, prefix, log_dir, receiver.endpoint, protocol)
        try:
            env = {
                "GATEWAY_SUBGRAPH_URL_ACCOUNTS": f"{accounts.url}/graphql",
                JWKS_URL_ENV: f"{accounts.url}{JWKS_PATH}",  # the shipped config checks tokens
                "GATEWAY_READINESS_SUBGRAPHS": "accounts",
                "GATEWAY_FORWARD_HEADERS": "authorization",
                "GATEWAY_ACCESS_LOG": "json",
                "GATEWAY_METRICS_ENABLED": "true",
                "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint,
                "OTEL_EXPORTER_OTLP_PROTOCOL": protocol,
                "OTEL_SERVICE_NAME": "gateway",
                "OTEL_BSP_SCHEDULE_DELAY": "100",
            }
            log_path = log_dir / "gateway.log"
            log_path.unlink(missing_ok=True)
            supergraph = ROOT / "schema" / "supergraph.graphql"
            gateway = start_gateway(supergraph, free_port(), env, log_path)
            try:
                email = f"p{uuid.uuid4().hex[:12]}@example.com"
                password = f"pw-{secrets.token_hex(8)}"
                person = {"email": email, "password": password, "displayName": "Ada"}
                signed = post_graphql(
                    f"{gateway.url}/graphql", SIGN_UP, {"input": {**person, "region": "EU"}}
                )
                token = signed.body["data"]["signUp"]["token"]
                me = post_graphql(f"{gateway.url}/graphql", ME, token=token)
                assert me.body == {"data": {"me": {"displayName": "Ada"}}}
                yield Traced(protocol, receiver, gateway, accounts, token, email, password)
            finally:
                gateway.stop()
        finally:
            accounts.stop()
            drop_prefixed(mongodb_uri, prefix)


def _one(spans: list[ReceivedSpan], **wanted: object) -> ReceivedSpan:
    found = [s for s in spans if all(getattr(s, k) == v for k, v in wanted.items())]
    assert len(found) == 1, (wanted, [(s.service, s.name) for s in spans])
    return found[0]


def _me_trace(spans: list[ReceivedSpan]) -> list[ReceivedSpan]:
    roots = [s for s in spans if s.service == "gateway" and s.name == "query Me"]
    if not roots:
        return []
    return [s for s in spans if s.trace_id == roots[0].trace_id]


def _complete(spans: list[ReceivedSpan]) -> bool:
    trace = _me_trace(spans)
    return any(s.service == "subgraph-accounts" and s.kind == CLIENT for s in trace)


def test_one_trace_runs_gateway_subgraph_database(traced: Traced) -> None:
    trace = _me_trace(traced.receiver.wait_for(_complete))
    request = _one(trace, service="gateway", name="query Me")
    assert request.kind == SERVER
    assert request.parent_id == ""  # the client sent no traceparent
    assert request.attributes["graphql.operation.type"] == "query"
    assert request.attributes["graphql.operation.name"] == "Me"
    assert request.attributes["http.response.status_code"] == 200
    for step in ("graphql.parse", "graphql.validate", "graphql.plan"):
        assert _one(trace, name=step).parent_id == request.span_id
    assert _one(trace, name="graphql.plan").attributes["graphql.plan.cache_hit"] is False
    fetch = _one(trace, service="gateway", name="subgraph accounts")
    assert fetch.kind == CLIENT
    assert fetch.parent_id == request.span_id
    assert fetch.attributes["subgraph.name"] == "accounts"
    assert fetch.attributes["url.full"] == f"{traced.accounts.url}/graphql"
    assert fetch.attributes["http.response.status_code"] == 200
    assert fetch.attributes["http.response.body.size"] > 0
    server = _one(trace, service="subgraph-accounts", kind=SERVER)
    assert server.parent_id == fetch.span_id  # joined through traceparent
    database = [s for s in trace if s.service == "subgraph-accounts" and s.kind == CLIENT]
    assert database
    assert all(s.attributes.get("db.system") == "mongodb" for s in database)
    by_id = {s.span_id: s for s in trace}
    for span in database:  # each command sits under accounts' request span
        parent = by_id[span.parent_id]
        while parent.span_id != server.span_id:
            parent = by_id[parent.parent_id]
    if traced.protocol == "grpc":  # every span came through the gRPC service
        assert traced.receiver.grpc_calls > 0
        assert traced.receiver.content_types == []
    else:
        assert traced.receiver.content_types
        assert all("application/x-protobuf" in c for c in traced.receiver.content_types)


def test_a_callers_traceparent_makes_the_request_its_child(traced: Traced) -> None:
    trace_id, parent = secrets.token_hex(16), secrets.token_hex(8)
    headers = {"traceparent": f"00-{trace_id}-{parent}-01"}
    query = "query Caller { me { displayName } }"
    post_graphql(f"{traced.gateway.url}/graphql", query, token=traced.token, headers=headers)
    spans = traced.receiver.wait_for(lambda found: any(s.name == "query Caller" for s in found))
    request = _one(spans, service="gateway", name="query Caller")
    assert (request.trace_id, request.parent_id) == (trace_id, parent)
    fetch = _one(spans, trace_id=trace_id, name="subgraph accounts")
    assert fetch.parent_id == request.span_id


def test_database_commands_outside_requests_are_not_traced(traced: Traced) -> None:
    spans = traced.receiver.wait_for(_complete)
    commands = [s for s in spans if s.service == "subgraph-accounts" and s.kind == CLIENT]
    assert commands
    # Index creation at start-up and the health checks' pings would each be a trace of one span.
    assert all(s.parent_id for s in commands), [s.name for s in commands if not s.parent_id]
    # So would the gateway's readiness probes (start_gateway waited for /ready).
    fetches = [s for s in spans if s.service == "gateway" and s.kind == CLIENT]
    assert fetches
    assert all(s.parent_id for s in fetches)


def test_no_variable_reaches_a_span(traced: Traced) -> None:
    spans = traced.receiver.wait_for(_complete)
    sign_up = [s for s in spans if s.service == "gateway" and s.name == "mutation SignUp"]
    assert sign_up
    text = repr([s.attributes for s in spans])
    for secret in (traced.token, traced.password, traced.email):
        assert secret not in text


def _samples(port_url: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    import urllib.request

    with urllib.request.urlopen(f"{port_url}/metrics", timeout=10) as response:
        text = response.read().decode()
    found: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, []).append((sample.labels, sample.value))
    return found


def _value(samples: list[tuple[dict[str, str], float]], **labels: str) -> float:
    return sum(v for found, v in samples if all(found.get(k) == x for k, x in labels.items()))


def test_gateway_metrics_are_scraped(traced: Traced) -> None:
    before = _samples(traced.gateway.url)
    requests = before["gateway_requests_total"]
    assert _value(requests, operation_type="mutation", operation_name="SignUp") == 1
    assert before["gateway_requests_in_flight"] == [({}, 0.0)]
    fresh = "query Fresh { me { displayName } }"
    for _ in range(3):
        post_graphql(f"{traced.gateway.url}/graphql", fresh, token=traced.token)
    after = _samples(traced.gateway.url)

    def added(name: str, **labels: str) -> float:
        return _value(after[name], **labels) - _value(before.get(name, []), **labels)

    assert added("gateway_requests_total", operation_name="Fresh", outcome="success") == 3
    assert added("gateway_request_duration_seconds_count", operation_type="query") == 3
    assert added("gateway_subgraph_fetches_total", subgraph="accounts", outcome="ok") == 3
    assert added("gateway_subgraph_fetch_duration_seconds_count", subgraph="accounts") == 3
    # Kept from its second sighting, so: miss, miss, hit; planned for each miss.
    assert added("gateway_document_cache_lookups_total", result="miss") == 2
    assert added("gateway_document_cache_lookups_total", result="hit") == 1
    assert added("gateway_plan_cache_lookups_total", result="miss") == 2
    assert added("gateway_plan_cache_lookups_total", result="hit") == 1


def test_subgraph_metrics_are_scraped(traced: Traced) -> None:
    before = _samples(traced.accounts.url)
    assert _value(before["subgraph_requests_total"], outcome="ok") >= 2
    post_graphql(f"{traced.accounts.url}/graphql", "{ nope }")
    post_graphql(f"{traced.accounts.url}/graphql", "{ _service { sdl } }")
    after = _samples(traced.accounts.url)

    def added(name: str, **labels: str) -> float:
        return _value(after[name], **labels) - _value(before[name], **labels)

    assert added("subgraph_requests_total", outcome="graphql_error") == 1
    assert added("subgraph_requests_total", outcome="ok") == 1
    assert added("subgraph_request_duration_seconds_count") == 2


def _access_lines(log_path: Path) -> list[dict[str, Any]]:
    text = log_path.read_text(encoding="utf-8")
    return [
        orjson.loads(line)
        for line in text.splitlines()
        if line.startswith("{") and '"graphql_request"' in line
    ]


def test_access_log_has_one_json_line_per_request_and_no_secret(traced: Traced) -> None:
    text = traced.gateway.log_path.read_text(encoding="utf-8")
    for secret in (traced.token, traced.password, traced.email):
        assert secret not in text
    lines = _access_lines(traced.gateway.log_path)
    spans = traced.receiver.wait_for(lambda found: len(_requests(found)) == len(lines))
    assert sorted(line["trace_id"] for line in lines) == sorted(
        s.trace_id for s in _requests(spans)
    )
    trace = _me_trace(spans)
    (line,) = [line for line in lines if line["trace_id"] == trace[0].trace_id]
    assert line["operation_name"] == "Me"
    assert line["operation_type"] == "query"
    assert line["status"] == 200
    assert line["outcome"] == "success"
    assert line["duration_ms"] > 0
    assert [call["subgraph"] for call in line["subgraph_calls"]] == ["accounts"]
    assert line["subgraph_calls"][0]["status"] == 200


def _requests(spans: list[ReceivedSpan]) -> list[ReceivedSpan]:
    return [s for s in spans if s.service == "gateway" and s.kind == SERVER]


def test_a_subscription_has_a_span_of_its_own(traced: Traced) -> None:
    url = f"{traced.gateway.url}/graphql"

    async def run() -> None:
        async with connected(url, traced.token) as client:
            await client.subscribe("links", "subscription { linksChanged { change } }")
            for _ in range(15):  # it listens a moment after `subscribe`: toggle until heard
                await asyncio.to_thread(post_graphql, url, TOGGLE, token=traced.token)
                with contextlib.suppress(TimeoutError):
                    assert (await client.receive(1.0))["type"] == "next"
                    break
            else:
                raise AssertionError("no linksChanged event arrived")
            await client.send({"id": "links", "type": "complete"})

    asyncio.run(run())

    def ended(spans: list[ReceivedSpan]) -> bool:
        return any(s.name == "graphql.subscription" for s in spans)

    span = _one(traced.receiver.wait_for(ended), name="graphql.subscription")
    assert span.service == "gateway"
    assert span.kind == SERVER
    assert span.attributes["gateway.subscription.transport"] == "websocket"
    assert span.attributes["gateway.subscription.events"] >= 1

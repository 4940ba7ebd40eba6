"""A database outage is the service's fault, never the client's, and health checks say so at once.

A FerretDB of this module's own (never the session's) serves the four subgraphs and a gateway.
It is first stopped with SIGSTOP (connections open, nothing answers: a stalled database) and
resumed, then killed with SIGKILL. Throughout:

- subgraph `GET /ready` answers 503 within about a second instead of hanging, and `GET /health`
  (liveness) stays 200, so an orchestrator does not restart subgraphs for a database outage;
- token checks answer SERVICE_UNAVAILABLE, not UNAUTHENTICATED, so clients do not sign out, and
  a malformed token is still UNAUTHENTICATED;
- reads answer SERVICE_UNAVAILABLE, not INTERNAL_SERVER_ERROR, well within the gateway's 8 s
  deadline (the database client's socket and server-selection timeouts);
- a response that is nothing but the outage is HTTP 503 with `Retry-After`, from the subgraph
  and from the gateway, which passes the subgraph's code through.

The tests run in file order: the killed database is the last one.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from devstack.database import Database, fresh_data_dir, new_prefix, start_ferretdb
from devstack.processes import Service, free_port
from devstack.stack import ROOT, gateway_env, start_gateway, start_subgraphs, stop_all

pytestmark = pytest.mark.integration

SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"
ME = "{ me { id displayName } }"
SIGN_UP = """mutation($input: SignUpInput!) { signUp(input: $input) { token person { id } } }"""
ACCOUNT_BY_ID = """query($r: [_Any!]!) { _entities(representations: $r) {
  ... on WhatsAppAccount { id } } }"""
HEALTH_BOUND = 1.5  # the checks answer within 0.8 s; generous for a loaded machine
OUTAGE_BOUND = 7.0  # one request's database work gives up after 4 s; the gateway's deadline is 8 s


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: dict[str, Any]
    seconds: float

    @property
    def codes(self) -> list[str | None]:
        """Each error's `extensions.code`; None for an error without one."""
        return [(e.get("extensions") or {}).get("code") for e in self.body.get("errors", [])]


def request(url: str, payload: dict[str, Any] | None = None, token: str | None = None) -> Reply:
    """GET `url`, or POST `payload` as JSON asking for `application/json`; any status returns."""
    data = None if payload is None else json.dumps(payload).encode()
    sent = urllib.request.Request(url, data=data, method="GET" if data is None else "POST")
    sent.add_header("content-type", "application/json")
    sent.add_header("accept", "application/json")
    if token is not None:
        sent.add_header("authorization", f"Bearer {token}")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(sent, timeout=30) as response:
            status, headers, raw = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        status, headers, raw = error.code, dict(error.headers), error.read()
    seconds = time.monotonic() - started
    lowered = {name.lower(): value for name, value in headers.items()}
    return Reply(status, lowered, json.loads(raw) if raw else {}, seconds)


def graphql(service: Service, query: str, token: str | None = None, **variables: Any) -> Reply:
    return request(f"{service.url}/graphql", {"query": query, "variables": variables}, token)


@dataclass(frozen=True, slots=True)
class Outage:
    database: Database
    subgraphs: dict[str, Service]
    gateway: Service
    token: str
    whatsapp_account: str

    def signal(self, number: signal.Signals) -> None:
        assert self.database.pid is not None  # ours: started below
        os.kill(self.database.pid, number)


def _sign_up(accounts: Service) -> str:
    email = f"p{uuid.uuid4().hex[:12]}@example.com"
    person = {"email": email, "password": "correct horse battery", "displayName": "Ada"}
    reply = graphql(accounts, SIGN_UP, input={**person, "region": "EU"})
    token: str = reply.body["data"]["signUp"]["token"]
    return token


def _register_whatsapp(whatsapp: Service, token: str) -> str:
    mutation = """mutation { registerWhatsAppAccount(phoneNumber: "+447700900123",
      isBusiness: false) { id } }"""
    account: str = graphql(whatsapp, mutation, token).body["data"]["registerWhatsAppAccount"]["id"]
    return account


@pytest.fixture(scope="module")
def outage(test_output_root: Path) -> Iterator[Outage]:
    log_dir = test_output_root / "database-outage"
    database = start_ferretdb(fresh_data_dir(), log_dir / "ferretdb.log", throwaway=True)
    try:
        subgraphs = start_subgraphs(database.uri, new_prefix(), log_dir)
        try:
            env = {**gateway_env(subgraphs), "GATEWAY_LOG_LEVEL": "warning"}
            gateway = start_gateway(SUPERGRAPH, free_port(), env, log_dir / "gateway.log")
            try:
                token = _sign_up(subgraphs["accounts"])
                account = _register_whatsapp(subgraphs["whatsapp"], token)
                yield Outage(database, subgraphs, gateway, token, account)
            finally:
                gateway.stop()
        finally:
            if database.pid is not None:  # a stopped process cannot act on SIGTERM
                with contextlib.suppress(ProcessLookupError):
                    os.kill(database.pid, signal.SIGCONT)
            stop_all(subgraphs.values())
    finally:
        database.stop()


def assert_outage_answers(outage: Outage) -> None:
    """What every client sees while the database is down, stalled or dead."""
    accounts, whatsapp = outage.subgraphs["accounts"], outage.subgraphs["whatsapp"]
    for service in (accounts, whatsapp):
        ready = request(f"{service.url}/ready")
        assert ready.status == 503, ready
        assert ready.seconds < HEALTH_BOUND, ready
        alive = request(f"{service.url}/health")  # liveness: no restart for a database outage
        assert alive.status == 200, alive
        assert alive.seconds < HEALTH_BOUND, alive

    me = graphql(accounts, ME, outage.token)
    assert me.codes == ["SERVICE_UNAVAILABLE"], me
    assert (me.status, me.headers.get("retry-after")) == (503, "5"), me
    assert me.seconds < OUTAGE_BOUND, me

    # With the owner's token: entity references are private (subgraphs/common/ownership.py).
    representation = {"__typename": "WhatsAppAccount", "id": outage.whatsapp_account}
    read = graphql(whatsapp, ACCOUNT_BY_ID, outage.token, r=[representation])
    assert read.codes == ["SERVICE_UNAVAILABLE"], read  # a read, not INTERNAL_SERVER_ERROR
    assert read.seconds < OUTAGE_BOUND, read

    bad = graphql(accounts, ME, "not-a-jwt")
    assert bad.codes == ["UNAUTHENTICATED"], bad  # bad credentials are still the client's

    through = graphql(outage.gateway, ME, outage.token)
    assert through.codes == ["SERVICE_UNAVAILABLE"], through
    assert through.body["errors"][0]["extensions"]["serviceName"] == "accounts"
    assert (through.status, through.headers.get("retry-after")) == (503, "5"), through
    assert through.seconds < OUTAGE_BOUND + 1, through


def wait_healthy(service: Service, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while request(f"{service.url}/ready").status != 200:
        assert time.monotonic() < deadline, f"{service.name} never became healthy again"
        time.sleep(0.2)


def test_a_stopped_database_is_an_outage_and_recovery_needs_no_new_sign_in(
    outage: Outage,
) -> None:
    assert graphql(outage.gateway, ME, outage.token).body["data"]["me"]["displayName"] == "Ada"
    outage.signal(signal.SIGSTOP)
    try:
        assert_outage_answers(outage)
    finally:
        outage.signal(signal.SIGCONT)
    for service in outage.subgraphs.values():
        wait_healthy(service)
    again = graphql(outage.gateway, ME, outage.token)
    assert again.body == {
        "data": {"me": {"id": again.body["data"]["me"]["id"], "displayName": "Ada"}}
    }


def test_a_killed_database_is_an_outage(outage: Outage) -> None:
    outage.signal(signal.SIGKILL)
    assert_outage_answers(outage)

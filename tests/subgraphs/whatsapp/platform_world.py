"""Test support for the WhatsApp, Facebook and Instagram subgraphs: a real stack and its people.

`Graph` is the four subgraphs running as processes on free 127.0.0.1 ports, on a database prefix
and internal token this module chose (so tests can look at the database directly and call
internal routes). People are made the way a client would: sign up on accounts, register platform
accounts, link them with a proof code, turn sharing routes on. Everything goes over HTTP.
"""

from __future__ import annotations

import json
import secrets
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient

from devstack.database import drop_prefixed, new_prefix
from devstack.processes import Service, free_port, start_service
from devstack.stack import DEFAULT_REGIONS, start_subgraphs, stop_all, subgraph_env

__all__ = ["Graph", "Person", "graph", "own_graph", "start_graph", "stop_graph", "wait_for"]

TIMEOUT = 15.0
RETRY_CAP_SECONDS = "1"  # cross-post retries back off to at most this in tests
IDLE_WORKER_SECONDS = 3600.0


def _request(
    url: str, body: Mapping[str, Any] | None, headers: Mapping[str, str]
) -> tuple[int, dict[str, Any]]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="GET" if body is None else "POST")
    request.add_header("Content-Type", "application/json")
    for key, value in headers.items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    id: str
    token: str
    email: str


@dataclass(kw_only=True)
class Graph:
    """The running subgraphs and how to reach them and their databases."""

    mongodb_uri: str
    prefix: str
    internal_token: str
    log_dir: Path
    services: dict[str, Service] = field(default_factory=dict)
    redis_url: str | None = None
    """Every subgraph's `REDIS_URL` (replicas too), when the stack was started with one."""

    def url(self, name: str) -> str:
        return self.services[name].url

    def post(
        self,
        name: str,
        query: str,
        variables: Mapping[str, Any] | None = None,
        token: str | None = None,
    ) -> dict[str, Any]:
        """The whole GraphQL response body (data and errors) from subgraph `name`."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        status, body = _request(
            f"{self.url(name)}/graphql",
            {"query": query, "variables": dict(variables or {})},
            headers,
        )
        assert status in (200, 400), (status, body)
        return body

    def data(
        self,
        name: str,
        query: str,
        variables: Mapping[str, Any] | None = None,
        token: str | None = None,
    ) -> dict[str, Any]:
        """`data` of a request that must succeed without errors."""
        body = self.post(name, query, variables, token)
        assert not body.get("errors"), body
        data: dict[str, Any] = body["data"]
        return data

    def internal(
        self,
        name: str,
        path: str,
        payload: Mapping[str, Any] | None = None,
        token: str | None = "",
    ) -> tuple[int, dict[str, Any]]:
        """Call an internal route (with the right token unless `token` is given)."""
        secret = self.internal_token if token == "" else token
        headers = {} if secret is None else {"X-Internal-Token": secret}
        return _request(f"{self.url(name)}{path}", payload, headers)

    def commands(self, name: str) -> dict[str, int]:
        """Database commands subgraph `name` has sent to its own database so far."""
        status, body = self.internal(name, "/internal/debug/commands")
        assert status == 200, body
        counts: dict[str, int] = body["commands"].get(f"{self.prefix}_{name}", {})
        return counts

    def database(self, name: str) -> Any:
        """A direct (test-side) handle on subgraph `name`'s database, to check what it wrote."""
        client: MongoClient[dict[str, Any]] = MongoClient(self.mongodb_uri, tz_aware=True)
        return client[f"{self.prefix}_{name}"]

    def stop(self, name: str) -> None:
        self.services[name].stop()

    def _start(self, name: str, port: int, log_name: str) -> Service:
        ports = {n: s.port for n, s in self.services.items()}
        env = subgraph_env(
            name,
            ports,
            self.mongodb_uri,
            self.prefix,
            self.internal_token,
            DEFAULT_REGIONS,
            redis_url=self.redis_url,
        )
        env["PORT"] = str(port)
        env["CROSSPOST_RETRY_MAX_SECONDS"] = RETRY_CAP_SECONDS
        return start_service(
            name,
            [sys.executable, "-m", f"subgraphs.{name}"],
            env,
            f"http://127.0.0.1:{port}/health",
            self.log_dir / log_name,
            90.0,
            port=port,
        )

    def restart(self, name: str) -> None:
        """Start subgraph `name` again on the same port, database and token."""
        port = self.services[name].port
        self.services[name] = self._start(name, port, f"{name}-restarted.log")

    def start_replica(self, name: str) -> Service:
        """A second process of subgraph `name` on the same database (the caller stops it)."""
        return self._start(name, free_port(), f"{name}-replica.log")

    # People ----------------------------------------------------------------------------

    def sign_up(self, region: str = "EU") -> Person:
        email = f"p{secrets.token_hex(6)}@example.com"
        data = self.data(
            "accounts",
            "mutation($input: SignUpInput!) { signUp(input: $input) { token person { id } } }",
            {
                "input": {
                    "email": email,
                    "password": "correct horse battery 9",
                    "displayName": "Test Person",
                    "region": region,
                }
            },
        )
        payload = data["signUp"]
        return Person(id=payload["person"]["id"], token=payload["token"], email=email)

    def register_whatsapp(self, person: Person, business_name: str | None = None) -> str:
        phone = "+4477009" + "".join(secrets.choice("0123456789") for _ in range(5))
        data = self.data(
            "whatsapp",
            "mutation($p: String!, $b: Boolean!, $n: String) {"
            " registerWhatsAppAccount(phoneNumber: $p, isBusiness: $b, businessName: $n) { id } }",
            {"p": phone, "b": business_name is not None, "n": business_name},
            person.token,
        )
        account_id: str = data["registerWhatsAppAccount"]["id"]
        return account_id

    def register_facebook(self, person: Person, name: str = "Test Person") -> str:
        data = self.data(
            "facebook",
            "mutation($n: String!) { registerFacebookProfile(name: $n) { id } }",
            {"n": name},
            person.token,
        )
        profile_id: str = data["registerFacebookProfile"]["id"]
        return profile_id

    def register_instagram(self, person: Person) -> str:
        data = self.data(
            "instagram",
            "mutation($u: String!) { registerInstagramProfile(username: $u) { id } }",
            {"u": f"u_{secrets.token_hex(5)}"},
            person.token,
        )
        profile_id: str = data["registerInstagramProfile"]["id"]
        return profile_id

    def proof(self, person: Person, platform: str, account_id: str) -> str:
        mutation = {
            "WHATSAPP": "createWhatsAppLinkProof",
            "FACEBOOK": "createFacebookLinkProof",
            "INSTAGRAM": "createInstagramLinkProof",
        }[platform]
        data = self.data(
            platform.lower(),
            f"mutation($a: ID!) {{ {mutation}(accountId: $a) {{ code }} }}",
            {"a": account_id},
            person.token,
        )
        code: str = data[mutation]["code"]
        return code

    def link(self, person: Person, platform: str, account_id: str) -> None:
        self.data(
            "accounts",
            "mutation { setLinkingEnabled(enabled: true) { enabled } }",
            token=person.token,
        )
        self.data(
            "accounts",
            "mutation($p: Platform!, $a: ID!, $c: String!) {"
            " linkAccount(platform: $p, accountId: $a, proofCode: $c) { platform } }",
            {"p": platform, "a": account_id, "c": self.proof(person, platform, account_id)},
            person.token,
        )

    def unlink(self, person: Person, platform: str) -> None:
        self.data(
            "accounts",
            "mutation($p: Platform!) { unlinkAccount(platform: $p) }",
            {"p": platform},
            person.token,
        )

    def share(self, person: Person, target: str, enabled: bool = True) -> None:
        self.data(
            "accounts",
            "mutation($r: SharingRoute!, $e: Boolean!) {"
            " setSharingPreference(route: $r, enabled: $e) { enabled } }",
            {"r": f"WHATSAPP_STATUS_TO_{target}_STORY", "e": enabled},
            person.token,
        )

    def fully_linked(self, business_name: str | None = None) -> tuple[Person, dict[str, str]]:
        """A person with all three platforms registered and linked, and both routes on."""
        person = self.sign_up()
        ids = {
            "WHATSAPP": self.register_whatsapp(person, business_name),
            "FACEBOOK": self.register_facebook(person),
            "INSTAGRAM": self.register_instagram(person),
        }
        for platform, account_id in ids.items():
            self.link(person, platform, account_id)
        self.share(person, "FACEBOOK")
        self.share(person, "INSTAGRAM")
        return person, ids


def start_graph(
    mongodb_uri: str,
    log_dir: Path,
    *,
    worker_poll_seconds: float = 0.5,
    redis_url: str | None = None,
) -> Graph:
    """All four subgraphs on a prefix and internal token of their own.

    `worker_poll_seconds` is how often WhatsApp's delivery worker looks for due cross-posts;
    a long interval keeps its queries out of the command counts that batching tests read.
    With `redis_url`, every subgraph (and replica) shares events and revocations through it.
    """
    graph = Graph(
        mongodb_uri=mongodb_uri,
        prefix=new_prefix(),
        internal_token=secrets.token_urlsafe(24),
        log_dir=log_dir,
        redis_url=redis_url,
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CROSSPOST_RETRY_MAX_SECONDS", RETRY_CAP_SECONDS)
        patch.setenv("CROSSPOST_POLL_SECONDS", str(worker_poll_seconds))
        graph.services = start_subgraphs(
            mongodb_uri,
            graph.prefix,
            log_dir,
            internal_token=graph.internal_token,
            redis_url=redis_url,
        )
    return graph


def stop_graph(graph: Graph) -> None:
    """Stop every subgraph we started (by PID) and drop the databases; safe to repeat."""
    stop_all(graph.services.values())
    drop_prefixed(graph.mongodb_uri, graph.prefix)


_SHARED: dict[str, Graph] = {}


@pytest.fixture(scope="session")
def graph(mongodb_uri: str, test_output_root: Path) -> Iterator[Graph]:
    """One stack for all WhatsApp, Facebook and Instagram tests that leave it running.

    Each test directory's conftest registers this fixture, so the stack is kept in `_SHARED`
    and started once (four processes are slow to start on a busy machine). Nothing here is
    left pending, so WhatsApp's delivery worker polls rarely (it still runs once at start-up).
    """
    shared = _SHARED.get("graph")
    if shared is None:
        log_dir = test_output_root / "platform-subgraphs"
        shared = start_graph(mongodb_uri, log_dir, worker_poll_seconds=IDLE_WORKER_SECONDS)
        _SHARED["graph"] = shared
    try:
        yield shared
    finally:
        stop_graph(shared)


@pytest.fixture(scope="module")
def own_graph(
    mongodb_uri: str, test_output_root: Path, request: pytest.FixtureRequest
) -> Iterator[Graph]:
    """A stack for one test module alone, for tests that stop and restart subgraphs."""
    started = start_graph(mongodb_uri, test_output_root / request.path.stem / "subgraphs")
    try:
        yield started
    finally:
        stop_graph(started)


def wait_for(check: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll `check` until it returns something truthy, at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")

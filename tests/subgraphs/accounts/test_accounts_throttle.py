"""Password guessing against real accounts processes: throttled per client, shared by replicas
through a real redis-server, and never a lock that keeps the owner out.

Clients are told apart by `X-Forwarded-For`, which the subgraph trusts from loopback (uvicorn's
`FORWARDED_ALLOW_IPS`), as it does from the gateway in `make run`.
"""

from __future__ import annotations

import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.database import drop_prefixed, new_prefix
from devstack.graphql_client import GraphQLResponse, post_graphql
from devstack.processes import Service, free_port, start_service
from devstack.redis_server import RedisServer
from devstack.stack import subgraph_env

pytestmark = pytest.mark.integration

PASSWORD = "throttle-test-password-1"
SIGN_IN = "mutation ($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }"
SIGN_UP = "mutation ($input: SignUpInput!) { signUp(input: $input) { token } }"
LIMITS = {
    "SIGN_IN_LOCK_SECONDS": "4",
    "SIGN_IN_ATTACK_FAILURES": "10",
    "SIGN_IN_CLIENT_FAILURES": "12",
}


def start_accounts(
    mongodb_uri: str, prefix: str, log_path: Path, redis_url: str | None = None
) -> Service:
    port = free_port()
    ports = {"accounts": port, "whatsapp": 1, "facebook": 2, "instagram": 3}
    token = "throttle-test-internal-token"
    env = subgraph_env("accounts", ports, mongodb_uri, prefix, token, "EU", redis_url=redis_url)
    env.update(LIMITS)
    return start_service(
        "accounts",
        [sys.executable, "-m", "subgraphs.accounts"],
        env,
        f"http://127.0.0.1:{port}/health",
        log_path,
        90.0,
        port=port,
    )


@pytest.fixture(scope="module")
def log_dir(test_output_root: Path) -> Path:
    path = test_output_root / "accounts-throttle"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def accounts(mongodb_uri: str, log_dir: Path) -> Iterator[Service]:
    prefix = new_prefix()
    service = start_accounts(mongodb_uri, prefix, log_dir / "accounts.log")
    try:
        yield service
    finally:
        service.stop()
        drop_prefixed(mongodb_uri, prefix)


@pytest.fixture(scope="module")
def replicas(mongodb_uri: str, log_dir: Path) -> Iterator[tuple[Service, Service]]:
    prefix = new_prefix()
    redis = RedisServer(log_dir / "redis.log").start()
    started: list[Service] = []
    try:
        for name in ("replica-1", "replica-2"):  # one by one: a failed start stops the first
            service = start_accounts(mongodb_uri, prefix, log_dir / f"{name}.log", redis.url)
            started.append(service)
        yield started[0], started[1]
    finally:
        for service in started:
            service.stop()
        redis.stop()
        drop_prefixed(mongodb_uri, prefix)


def sign_in(service: Service, email: str, password: str, address: str) -> GraphQLResponse:
    variables = {"e": email, "p": password}
    headers = {"X-Forwarded-For": address}
    return post_graphql(f"{service.url}/graphql", SIGN_IN, variables, headers=headers)


def sign_up(service: Service, address: str, email: str | None = None) -> GraphQLResponse:
    email = email or f"throttle-{uuid.uuid4().hex[:10]}@example.com"
    variables = {
        "input": {"email": email, "password": PASSWORD, "displayName": "T", "region": "EU"}
    }
    headers = {"X-Forwarded-For": address}
    return post_graphql(f"{service.url}/graphql", SIGN_UP, variables, headers=headers)


def new_person(service: Service) -> str:
    email = f"victim-{uuid.uuid4().hex[:10]}@example.com"
    reply = sign_up(service, "192.0.2.1", email)
    assert reply.status == 200, reply.body
    assert "errors" not in reply.body, reply.body
    return email


def code(reply: GraphQLResponse) -> str | None:
    errors = reply.body.get("errors") or [{}]
    return str(errors[0].get("extensions", {}).get("code")) if reply.body.get("errors") else None


def retry_after(reply: GraphQLResponse) -> int:
    value = reply.body["errors"][0]["extensions"]["retryAfter"]
    assert isinstance(value, int)
    return value


def test_26_wrong_passwords_then_the_right_one_is_throttled(accounts: Service) -> None:
    email, attacker = new_person(accounts), "203.0.113.7"
    codes = [code(sign_in(accounts, email, f"guess-{n}", attacker)) for n in range(26)]
    # five free failures, a sixth that takes a 4 s lock, then nothing is looked at
    assert codes == ["UNAUTHENTICATED"] * 6 + ["RATE_LIMITED"] * 20
    right = sign_in(accounts, email, PASSWORD, attacker)
    assert code(right) == "RATE_LIMITED", right.body
    assert right.status == 429  # the whole response refused: HTTP says so too
    assert right.body["data"] is None
    assert 1 <= retry_after(right) <= 4
    time.sleep(retry_after(right) + 0.2)
    later = sign_in(accounts, email, PASSWORD, attacker)
    assert code(later) is None, later.body  # the lock ends: never refused forever
    assert later.body["data"]["signIn"]["token"]


def test_another_client_still_signs_in_to_the_attacked_account(accounts: Service) -> None:
    email = new_person(accounts)
    for n in range(8):
        sign_in(accounts, email, f"guess-{n}", "203.0.113.8")
    assert code(sign_in(accounts, email, PASSWORD, "203.0.113.8")) == "RATE_LIMITED"
    owner = sign_in(accounts, email, PASSWORD, "192.0.2.50")
    assert code(owner) is None, owner.body
    assert owner.body["data"]["signIn"]["token"]


def test_a_distributed_attack_leaves_each_client_one_free_failure(accounts: Service) -> None:
    email = new_person(accounts)
    for n in range(10):  # ten clients, one guess each: the account is under attack
        assert code(sign_in(accounts, email, "guess", f"203.0.113.{100 + n}")) == "UNAUTHENTICATED"
    owner = sign_in(accounts, email, PASSWORD, "192.0.2.60")
    assert code(owner) is None, owner.body  # a fresh client's right password is not refused
    newcomer = "192.0.2.61"
    first, second = sign_in(accounts, email, "x", newcomer), sign_in(accounts, email, "y", newcomer)
    assert [code(first), code(second)] == ["UNAUTHENTICATED", "UNAUTHENTICATED"]
    assert code(sign_in(accounts, email, "z", newcomer)) == "RATE_LIMITED"  # not after 6


def test_one_client_spraying_many_accounts_is_stopped(accounts: Service) -> None:
    sprayer, email = "203.0.113.9", new_person(accounts)
    for n in range(10):
        reply = sign_in(accounts, f"nobody-{n}-{uuid.uuid4().hex[:6]}@example.com", "x", sprayer)
        assert code(reply) == "UNAUTHENTICATED"
    for _ in range(2):  # an email already taken is a failure too (it tells emails apart)
        assert code(sign_up(accounts, sprayer, email)) == "CONFLICT"
    blocked = sign_in(accounts, email, PASSWORD, sprayer)
    assert code(blocked) == "RATE_LIMITED"  # twelve failures: the client waits for the window
    assert retry_after(blocked) <= 900
    assert code(sign_up(accounts, sprayer)) == "RATE_LIMITED"
    assert code(sign_in(accounts, email, PASSWORD, "192.0.2.70")) is None  # nobody else


def test_replicas_share_the_count_through_redis(replicas: tuple[Service, Service]) -> None:
    first, second = replicas
    email, attacker = new_person(first), "203.0.113.10"
    codes = [
        code(sign_in(first if n % 2 else second, email, f"guess-{n}", attacker)) for n in range(8)
    ]
    # one count over both replicas: alone, each would have allowed six
    assert codes == ["UNAUTHENTICATED"] * 6 + ["RATE_LIMITED"] * 2
    assert code(sign_in(first, email, PASSWORD, attacker)) == "RATE_LIMITED"
    assert code(sign_in(second, email, PASSWORD, "192.0.2.80")) is None

"""`Subscription.statusPosted` on the WhatsApp subgraph, spoken to directly over
graphql-transport-ws: with Redis a Status posted on one replica reaches its owner's stream on
another; nobody else's stream hears of it; without a token the subscription is refused."""

from __future__ import annotations

import asyncio
import secrets
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from devstack.database import drop_prefixed, new_prefix
from devstack.graphql_client import post_graphql, require_data
from devstack.processes import Service, free_port, start_service
from devstack.redis_server import RedisServer
from devstack.stack import DEFAULT_REGIONS, start_subgraphs, stop_all, subgraph_env
from tests.gateway.subscriptions.protocol_client import ProtocolClient, connected

pytestmark = pytest.mark.integration

SUBSCRIPTION = "subscription { statusPosted { id text } }"
SIGN_UP = "mutation($i: SignUpInput!) { signUp(input: $i) { token } }"
REGISTER = "mutation($p: String!) { registerWhatsAppAccount(phoneNumber: $p) { id } }"
POST = "mutation($t: String!) { postStatus(text: $t, crossPost: false) { status { id } } }"


@dataclass(frozen=True, slots=True)
class Replicas:
    first: str
    second: str
    accounts: str


@pytest.fixture(scope="module")
def replicas(mongodb_uri: str, test_output_root: Path) -> Iterator[Replicas]:
    log_dir = test_output_root / "whatsapp-subscriptions"
    redis = RedisServer(log_dir / "redis.log").start()
    prefix, token = new_prefix(), secrets.token_urlsafe(16)
    services: dict[str, Service] = {}
    try:
        services = start_subgraphs(
            mongodb_uri, prefix, log_dir, internal_token=token, redis_url=redis.url
        )
        ports = {name: service.port for name, service in services.items()}
        ports["whatsapp"] = free_port()
        env = subgraph_env(
            "whatsapp", ports, mongodb_uri, prefix, token, DEFAULT_REGIONS, redis_url=redis.url
        )
        services["replica"] = start_service(
            "whatsapp-replica",
            [sys.executable, "-m", "subgraphs.whatsapp"],
            env,
            f"http://127.0.0.1:{ports['whatsapp']}/health",
            log_dir / "whatsapp-replica.log",
            port=ports["whatsapp"],
        )
        yield Replicas(
            first=f"{services['whatsapp'].url}/graphql",
            second=f"{services['replica'].url}/graphql",
            accounts=f"{services['accounts'].url}/graphql",
        )
    finally:
        stop_all(services.values())
        redis.stop()
        drop_prefixed(mongodb_uri, prefix)


def _person(replicas: Replicas) -> str:
    details = {
        "email": f"p{secrets.token_hex(6)}@example.com",
        "password": "correct horse battery 9",
        "displayName": "Subscriber",
        "region": "EU",
    }
    token: str = require_data(post_graphql(replicas.accounts, SIGN_UP, {"i": details}), SIGN_UP)[
        "signUp"
    ]["token"]
    phone = "+4477008" + "".join(secrets.choice("0123456789") for _ in range(5))
    require_data(post_graphql(replicas.first, REGISTER, {"p": phone}, token=token), REGISTER)
    return token


def _post(url: str, token: str, text: str) -> None:
    require_data(post_graphql(url, POST, {"t": text}, token=token), POST)


async def _heard(client: ProtocolClient, wait: float) -> dict[str, Any] | None:
    try:
        return await client.receive(wait)
    except TimeoutError:
        return None


def test_a_status_reaches_its_owner_on_another_replica_and_nobody_else(
    replicas: Replicas,
) -> None:
    owner, stranger = _person(replicas), _person(replicas)

    async def run() -> None:
        async with (
            connected(replicas.second, owner) as mine,
            connected(replicas.second, stranger) as theirs,
        ):
            await mine.subscribe("1", SUBSCRIPTION)
            await theirs.subscribe("1", SUBSCRIPTION)
            heard = None
            for attempt in range(15):  # the subscription listens a moment after `subscribe`
                await asyncio.to_thread(_post, replicas.first, owner, f"hello {attempt}")
                heard = await _heard(mine, 1.0)
                if heard is not None:
                    break
            assert heard is not None, "the owner heard nothing"
            assert heard["type"] == "next"
            assert heard["payload"]["data"]["statusPosted"]["text"].startswith("hello")
            assert await _heard(theirs, 1.0) is None

    asyncio.run(run())


def test_without_a_token_the_subscription_is_refused(replicas: Replicas) -> None:
    async def run() -> None:
        async with connected(replicas.first) as anonymous:
            await anonymous.subscribe("1", SUBSCRIPTION)
            message = await anonymous.receive()
            assert message["type"] in ("next", "error")
            errors = (
                message["payload"] if message["type"] == "error" else message["payload"]["errors"]
            )
            assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"

    asyncio.run(run())

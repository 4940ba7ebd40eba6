"""`python -m benchmarks subscriptions`: many concurrent subscriptions through our gateway.

The whole Accounts Center stack runs as `make run` serves it (FerretDB, Redis, the four
subgraphs, the gateway). `--people` people each post one WhatsApp Status; `--count`
subscriptions to `statusPosted` are opened through the gateway over WebSocket, spread
round-robin over the people (one socket each). Then `--events` events are published, one at a
time and round-robin over the people, straight on WhatsApp's Redis channel
(`"<owner id> <status id>"`, exactly what `postStatus` publishes), so one event fans out to
every subscription of its person: on the WhatsApp process to each local stream, which reads the
Status and sends it to the gateway, which sends it to its client.

Figures: fan-out latency from the PUBLISH to each client's receipt (p50, p99, max; publish and
receipt are read from one clock in this process), deliveries per second, the gateway's resident
memory added per open subscription, and CPU milliseconds per delivery of the gateway and of
WhatsApp. Each event waits at most `EVENT_SECONDS` for its deliveries; a missed one is counted,
not waited for. Everything listens on 127.0.0.1 and stops by itself. Nothing here asserts a
number; it is not a test.

Peers: Hive Gateway is not measured here (see benchmarks/README.md, Subscriptions).
"""

from __future__ import annotations

import asyncio
import secrets
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import orjson
import redis.asyncio as aioredis

from benchmarks.procstat import cpu_seconds, rss_bytes
from benchmarks.subscription_clients import Subscriber, close_all, open_subscribers
from devstack.database import drop_prefixed, new_prefix, open_database
from devstack.graphql_client import post_graphql, require_data
from devstack.processes import Service, free_port
from devstack.redis_server import RedisServer
from devstack.stack import ROOT, gateway_env, start_gateway, start_subgraphs, stop_all
from subgraphs.whatsapp.events import STATUS_POSTED

__all__ = ["SubscriptionRun", "percentile", "run_subscription_benchmark", "summarize"]

QUERY = "subscription { statusPosted { id text } }"
EVENT_SECONDS = 10.0
SETTLE_SECONDS = 2.0
WARMUP_ROUNDS = 20
SIGN_UP = "mutation($i: SignUpInput!) { signUp(input: $i) { token person { id } } }"
REGISTER = "mutation($p: String!) { registerWhatsAppAccount(phoneNumber: $p) { id } }"
POST = "mutation($t: String!) { postStatus(text: $t, crossPost: false) { status { id } } }"


@dataclass(frozen=True, slots=True, kw_only=True)
class SubscriptionRun:
    """One run's figures."""

    gateway: str
    subscriptions: int
    people: int
    events: int
    deliveries: int
    missed: int
    errors: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    deliveries_per_s: float
    rss_kb_per_subscription: float
    gateway_cpu_ms_per_delivery: float
    whatsapp_cpu_ms_per_delivery: float


@dataclass(frozen=True, slots=True)
class _Person:
    id: str
    token: str
    status_id: str


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank `q` percentile (0 < q <= 100) of `values`; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil(n * q / 100), at least the first
    return ordered[int(min(rank, len(ordered))) - 1]


def summarize(
    *,
    gateway: str,
    people: int,
    events: int,
    expected: int,
    latencies_s: Sequence[float],
    errors: int,
    seconds: float,
    rss_added: int,
    subscriptions: int,
    cpu_s: dict[str, float],
) -> SubscriptionRun:
    """The figures of one run from what was measured (pure: unit-tested)."""
    delivered = len(latencies_s)
    per = max(1, delivered)
    millis = [value * 1000 for value in latencies_s]
    return SubscriptionRun(
        gateway=gateway,
        subscriptions=subscriptions,
        people=people,
        events=events,
        deliveries=delivered,
        missed=max(0, expected - delivered),
        errors=errors,
        p50_ms=round(percentile(millis, 50), 2),
        p99_ms=round(percentile(millis, 99), 2),
        max_ms=round(max(millis, default=0.0), 2),
        deliveries_per_s=round(delivered / seconds, 1) if seconds > 0 else 0.0,
        rss_kb_per_subscription=round(rss_added / 1024 / max(1, subscriptions), 1),
        gateway_cpu_ms_per_delivery=round(cpu_s.get("gateway", 0.0) * 1000 / per, 3),
        whatsapp_cpu_ms_per_delivery=round(cpu_s.get("whatsapp", 0.0) * 1000 / per, 3),
    )


def to_markdown(runs: Sequence[SubscriptionRun]) -> str:
    head = [
        "gateway", "subscriptions", "people", "events", "deliveries", "missed", "errors",
        "p50 ms", "p99 ms", "max ms", "deliveries/s", "gateway KiB/subscription",
        "gateway CPU ms/delivery", "whatsapp CPU ms/delivery",
    ]  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for run in runs:
        row = asdict(run)
        lines.append("| " + " | ".join(str(row[key]) for key in row) + " |")
    return "\n".join(lines) + "\n"


@contextmanager
def _stack(log_dir: Path) -> Iterator[tuple[Service, dict[str, Service], str]]:
    database = open_database(log_dir)
    prefix = new_prefix()
    redis = RedisServer(log_dir / "redis.log").start()
    subgraphs: dict[str, Service] = {}
    try:
        subgraphs = start_subgraphs(database.uri, prefix, log_dir, redis_url=redis.url)
        env = {**gateway_env(subgraphs), "GATEWAY_LOG_LEVEL": "warning"}
        supergraph = ROOT / "schema" / "supergraph.graphql"
        gateway = start_gateway(supergraph, free_port(), env, log_dir / "gateway.log")
        try:
            yield gateway, subgraphs, redis.url
        finally:
            gateway.stop()
    finally:
        stop_all(subgraphs.values())
        redis.stop()
        drop_prefixed(database.uri, prefix)
        database.stop()


def _people(subgraphs: dict[str, Service], count: int) -> list[_Person]:
    """People signed up over HTTP, each with a WhatsApp account and one Status."""
    accounts, whatsapp = (f"{subgraphs[n].url}/graphql" for n in ("accounts", "whatsapp"))
    people = []
    for index in range(count):
        details = {
            "email": f"bench{index}-{secrets.token_hex(4)}@example.com",
            "password": "correct horse battery 9",
            "displayName": f"Subscriber {index}",
            "region": "EU",
        }
        signed = require_data(post_graphql(accounts, SIGN_UP, {"i": details}), SIGN_UP)["signUp"]
        token = signed["token"]
        phone = "+4477010" + "".join(secrets.choice("0123456789") for _ in range(5))
        require_data(post_graphql(whatsapp, REGISTER, {"p": phone}, token=token), REGISTER)
        posted = require_data(post_graphql(whatsapp, POST, {"t": f"s{index}"}, token=token), POST)
        people.append(_Person(signed["person"]["id"], token, posted["postStatus"]["status"]["id"]))
    return people


async def _publish(redis: aioredis.Redis, person: _Person) -> float:
    await redis.publish(STATUS_POSTED, f"{person.id} {person.status_id}")
    return time.perf_counter()


async def _warm_up(redis: aioredis.Redis, people: list[_Person], subs: list[Subscriber]) -> None:
    """Publish to everyone until every subscription heard something (they start listening a
    moment after `subscribe`: the protocol has no acknowledgement), then forget what they heard."""
    for _ in range(WARMUP_ROUNDS):
        for person in people:
            await redis.publish(STATUS_POSTED, f"{person.id} {person.status_id}")
        await asyncio.sleep(0.5)
        if all(sub.heard for sub in subs):
            break
    await asyncio.sleep(SETTLE_SECONDS)
    for sub in subs:
        sub.heard.clear()
        sub.errors.clear()


async def _deliveries(
    redis: aioredis.Redis, people: list[_Person], subs: list[Subscriber], events: int
) -> list[float]:
    """Publish `events` one at a time; each waits for its person's subscriptions (bounded)."""
    latencies: list[float] = []
    by_person = [[sub for sub in subs if sub.person == index] for index in range(len(people))]
    for event in range(events):
        index = event % len(people)
        mine = by_person[index]
        before = [len(sub.heard) for sub in mine]
        started = await _publish(redis, people[index])
        deadline = started + EVENT_SECONDS
        while time.perf_counter() < deadline:
            if all(len(sub.heard) > seen for sub, seen in zip(mine, before, strict=True)):
                break
            await asyncio.sleep(0.002)
        for sub, seen in zip(mine, before, strict=True):
            if len(sub.heard) > seen:
                # publish time is taken after PUBLISH returned: a lower bound on the latency
                latencies.append(max(0.0, sub.heard[seen] - started))
    return latencies


async def _measure(
    gateway: Service, subgraphs: dict[str, Service], redis_url: str, args: _Args
) -> SubscriptionRun:
    people = await asyncio.to_thread(_people, subgraphs, args.people)
    pids = {"gateway": gateway.pid, "whatsapp": subgraphs["whatsapp"].pid}
    redis = aioredis.Redis.from_url(redis_url)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        rss_before = rss_bytes(gateway.pid)
        tokens = [person.token for person in people]
        subs = await open_subscribers(session, f"{gateway.url}/graphql", tokens, QUERY, args.count)
        try:
            await _warm_up(redis, people, subs)
            rss_added = rss_bytes(gateway.pid) - rss_before
            cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
            started = time.perf_counter()
            latencies = await _deliveries(redis, people, subs, args.events)
            seconds = time.perf_counter() - started
            cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
        finally:
            await close_all(subs)
            await redis.aclose()
    expected = sum(args.count // args.people + (e % args.people < args.count % args.people)
                   for e in range(args.events))  # fmt: skip
    return summarize(
        gateway="ours",
        people=args.people,
        events=args.events,
        expected=expected,
        latencies_s=latencies,
        errors=sum(len(sub.errors) for sub in subs),
        seconds=seconds,
        rss_added=rss_added,
        subscriptions=args.count,
        cpu_s=cpu,
    )


@dataclass(frozen=True, slots=True)
class _Args:
    count: int
    events: int
    people: int


def run_subscription_benchmark(
    count: int, events: int, people: int, out_dir: Path
) -> list[SubscriptionRun]:
    """Measure our gateway and write `<timestamp>-subscriptions.{json,md}` to `out_dir`."""
    if count < 1 or events < 1 or not 1 <= people <= count:
        raise ValueError("need count >= 1, events >= 1 and 1 <= people <= count")
    log_dir = Path(tempfile.mkdtemp(prefix="bench-subscriptions-"))
    with _stack(log_dir) as (gateway, subgraphs, redis_url):
        run = asyncio.run(_measure(gateway, subgraphs, redis_url, _Args(count, events, people)))
    runs = [run]
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M")
    (out_dir / f"{stamp}-subscriptions.json").write_bytes(
        orjson.dumps([asdict(r) for r in runs], option=orjson.OPT_INDENT_2)
    )
    (out_dir / f"{stamp}-subscriptions.md").write_text(to_markdown(runs))
    print(f"logs: {log_dir}")
    return runs

"""Outbox throughput: how fast whatsapp's workers drain due cross-posts, with one and two replicas.

`postStatus` delivers its cross-posts in line; the outbox worker takes only what that could not
deliver (a target down, a replica that died after its insert). So this benchmark makes that
work directly: it posts one real cross-posted Status through the gateway, then inserts N
copies of it, PENDING and due, in one write (`devstack.outbox`, as the cluster test does), and
times the workers until every cross-post is DONE. It runs the deployed topology (`make
cluster`: nginx, one gateway, one process of each other subgraph, Redis, FerretDB), changing
one thing between runs: the number of whatsapp processes, each running a worker.

The rate is N Statuses (2N cross-posts, Facebook and Instagram) over the time from the insert to
the last stored outcome. Exactly once is checked, not assumed. Delivery is at least once by
design (an attempt that timed out is made again, and the target's idempotency keeps one
Story), so three figures are kept apart:

- `retries`: attempts beyond one per cross-post that the entries record (the lease holder
  retried after a timeout or a 5xx): harmless, but a sign of overload;
- `duplicates`: `POST /internal/stories` requests in nginx's access log that no entry records
  (a worker without the Status's lease delivered it too), plus Stories beyond one per target
  and Status;
- `lost`: cross-posts not DONE when the drain ended, or without their Story.

CPU per Status is read per process group from /proc, to show what bounds the rate. Nothing
here asserts a number.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import orjson

from benchmarks.procstat import cpu_seconds
from devstack.cluster import Replicas, start_cluster
from devstack.database import new_prefix
from devstack.demo import DEMO_PERSON, load_demo_world, sign_in
from devstack.graphql_client import post_graphql
from devstack.nginx import ACCESS_LOG
from devstack.outbox import insert_due_copies, settlement, stories_per_origin, story_requests
from devstack.processes import free_port
from devstack.up import RunningStack, StackOptions

__all__ = ["OutboxReport", "OutboxRun", "outbox_markdown", "run_outbox_benchmark"]

WHATSAPP_COUNTS = (1, 2)
TARGETS = ("facebook", "instagram")
POST = "mutation($t: String!) { postStatus(text: $t, crossPost: true) { status { id } done } }"
DRAIN_LIMIT_SECONDS = 600.0  # a bound, not a target: a stuck drain ends the run with `lost`
WATCH_SECONDS = 1.0
"""How often the drain is looked at. Reading the copies costs FerretDB CPU too, counted with the
workers'; the rate does not depend on it (it ends at the last stored outcome, not when seen)."""
SETTLE_SECONDS = 2.0  # a few more worker ticks after the drain, so a late duplicate is seen


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboxRun:
    """One drain: its rate, what exactly-once found, and CPU ms per Status by process group."""

    whatsapp_replicas: int
    statuses: int
    seconds: float
    statuses_per_s: float
    cross_posts_per_s: float
    retries: int
    """Recorded attempts beyond one per cross-post."""
    duplicates: int
    """Requests to the targets no entry records, plus Stories beyond one per cross-post."""
    lost: int
    """Cross-posts not DONE when the drain ended, or without their one Story."""
    cpu_ms_per_status: dict[str, float]
    load_average: float
    """The machine's 1-minute load average as the drain began: other work sharing the cores
    (the rate of a shared 2-core machine means little without it)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboxReport:
    runs: list[OutboxRun]
    poll_seconds: float
    batch_size: int
    cores: int


def _group(service: str) -> str:
    """`whatsapp-2` -> `whatsapp`: replicas of one kind count as one."""
    base, _, index = service.rpartition("-")
    return base if index.isdigit() else service


def _cpu(stack: RunningStack) -> dict[str, float]:
    totals: dict[str, float] = {}
    for service in stack.services():
        group = _group(service.name)
        totals[group] = totals.get(group, 0.0) + cpu_seconds(service.pid)
    return totals


def _post_one(stack: RunningStack) -> str:
    """One cross-posted Status through the gateway, both targets done in line: its id."""
    load_demo_world({name: stack.subgraph_url(name) for name in stack.subgraph_urls})
    token = sign_in(stack.graphql_url, DEMO_PERSON.email, DEMO_PERSON.password)
    answer = post_graphql(stack.graphql_url, POST, {"t": "outbox benchmark"}, token=token)
    posted = (answer.data or {}).get("postStatus") or {}
    if answer.errors or sorted(posted.get("done") or []) != ["FACEBOOK", "INSTAGRAM"]:
        raise RuntimeError(f"postStatus did not cross-post in line: {answer.body}")
    return str(posted["status"]["id"])


def _drain(stack: RunningStack, replicas: int, statuses: int) -> OutboxRun:
    uri, prefix = stack.database.uri, stack.options.db_prefix
    access_log = stack.options.log_dir / ACCESS_LOG
    status_id = _post_one(stack)
    fronts = {target: stack.subgraph_urls[target] for target in TARGETS}
    requests_before = {t: story_requests(access_log, url) for t, url in fronts.items()}
    load_average = os.getloadavg()[0]
    cpu_before = _cpu(stack)
    started = datetime.now(UTC)
    ids = insert_due_copies(uri, prefix, status_id, statuses)
    deadline = time.monotonic() + DRAIN_LIMIT_SECONDS
    state = settlement(uri, prefix, ids)
    while state.pending and time.monotonic() < deadline:
        time.sleep(WATCH_SECONDS)
        state = settlement(uri, prefix, ids)
    cpu_after = _cpu(stack)
    time.sleep(SETTLE_SECONDS)
    requests = {
        t: story_requests(access_log, url) - requests_before[t] for t, url in fronts.items()
    }
    stories = {t: stories_per_origin(uri, prefix, t, ids) for t in TARGETS}
    one_story = sum(1 for t in TARGETS for i in ids if stories[t].get(str(i)) == 1)
    extra_stories = sum(max(0, n - 1) for t in TARGETS for n in stories[t].values())
    seconds = ((state.last_update or datetime.now(UTC)) - started).total_seconds()
    spent = {name: cpu_after[name] - cpu_before.get(name, 0.0) for name in cpu_after}
    per_status = {name: round(value * 1000 / statuses, 2) for name, value in spent.items()}
    per_status["total"] = round(sum(per_status.values()), 2)
    return OutboxRun(
        whatsapp_replicas=replicas,
        statuses=statuses,
        seconds=round(seconds, 2),
        statuses_per_s=round(statuses / seconds, 1) if seconds > 0 else 0.0,
        cross_posts_per_s=round(state.done / seconds, 1) if seconds > 0 else 0.0,
        retries=state.attempts - state.entries,
        duplicates=max(0, sum(requests.values()) - state.attempts) + extra_stories,
        lost=max(state.entries - state.done, len(TARGETS) * statuses - one_story),
        cpu_ms_per_status=per_status,
        load_average=round(load_average, 1),
    )


def _measure(
    replicas: int, statuses: int, poll_seconds: float, batch_size: int, log_dir: Path
) -> OutboxRun:
    options = StackOptions(
        log_dir=log_dir / f"whatsapp-{replicas}",
        gateway_port=free_port(),
        db_prefix=new_prefix(),
        drop_data_on_stop=True,
    )
    topology = Replicas(
        gateways=1,
        subgraphs=1,
        per_subgraph={"whatsapp": replicas},
        subgraph_env={
            "CROSSPOST_POLL_SECONDS": str(poll_seconds),
            "CROSSPOST_BATCH_SIZE": str(batch_size),
        },
        nginx_dir=options.log_dir / "nginx",
    )
    stack = start_cluster(options, topology)
    try:
        return _drain(stack, replicas, statuses)
    finally:
        stack.stop()


def run_outbox_benchmark(
    statuses: int,
    out_dir: Path | None,
    *,
    poll_seconds: float = 0.5,
    batch_size: int = 20,
    counts: tuple[int, ...] = WHATSAPP_COUNTS,
) -> OutboxReport:
    """One drain per whatsapp count; `<timestamp>-outbox.{json,md}` in `out_dir` when given."""
    log_dir = Path(tempfile.mkdtemp(prefix="bench-outbox-"))
    runs = [_measure(n, statuses, poll_seconds, batch_size, log_dir) for n in counts]
    report = OutboxReport(
        runs=runs, poll_seconds=poll_seconds, batch_size=batch_size, cores=os.cpu_count() or 1
    )
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M")
        (out_dir / f"{stamp}-outbox.json").write_bytes(
            orjson.dumps(asdict(report), option=orjson.OPT_INDENT_2)
        )
        (out_dir / f"{stamp}-outbox.md").write_text(outbox_markdown(report))
    return report


def outbox_markdown(report: OutboxReport) -> str:
    """A row per whatsapp count: rate, exactly-once findings, CPU ms per Status per group."""
    seen = dict.fromkeys(name for run in report.runs for name in run.cpu_ms_per_status)
    names = [name for name in seen if name != "total"] + ["total"]
    head = ["whatsapp", "Statuses", "s", "Statuses/s", "cross-posts/s", "retries", "duplicates"]
    head += ["lost", "load"]
    head += [f"{name} CPU ms/Status" for name in names]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for run in report.runs:
        cells = [str(run.whatsapp_replicas), str(run.statuses), f"{run.seconds:.1f}"]
        cells += [f"{run.statuses_per_s:.1f}", f"{run.cross_posts_per_s:.1f}"]
        cells += [str(run.retries), str(run.duplicates), str(run.lost)]
        cells += [f"{run.load_average:.1f}"]
        cells += [f"{run.cpu_ms_per_status.get(name, 0):.2f}" for name in names]
        lines.append("| " + " | ".join(cells) + " |")
    return (
        "\n".join(lines)
        + f"\n\nCROSSPOST_POLL_SECONDS={report.poll_seconds}, CROSSPOST_BATCH_SIZE="
        f"{report.batch_size}, one gateway and one process of each other subgraph behind nginx,"
        f" FerretDB, on {report.cores} cores shared by every process; load: the 1-minute load"
        " average as the drain began.\n"
    )

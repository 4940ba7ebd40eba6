"""`python -m benchmarks`: run the gateway comparison, compose the supergraph, serve subgraphs,
measure subscriptions, the whole stack, its scaling, the cross-post outbox and in-process
subgraphs against HTTP."""

from __future__ import annotations

import argparse
import dataclasses
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from benchmarks.workload import BENCH_DIR


def _run(args: argparse.Namespace) -> int:
    from benchmarks.report import write_results
    from benchmarks.run import WORK_DIR, Settings, run_benchmarks

    if args.ours_at:
        from benchmarks.gateways import use_ours_at

        use_ours_at(args.ours_at)
    gateways = tuple(args.gateways.split(",")) if args.gateways else None
    settings = Settings.for_mode(quick=args.quick, gateways=gateways)
    overrides = {
        key: value
        for key, value in (
            ("rounds", args.rounds),
            ("warmup_s", args.warmup),
            ("measure_s", args.measure),
        )
        if value
    }
    settings = dataclasses.replace(settings, **overrides)
    results = run_benchmarks(settings)
    out_dir = WORK_DIR / "results" if args.quick else BENCH_DIR / "results"
    paths = write_results(results, out_dir)
    print()
    print(paths["md"].read_text())
    print(f"written: {', '.join(str(p) for p in paths.values())}")
    return 0


def _growth(args: argparse.Namespace) -> int:
    if not args.child:
        return _growth_pinned(args)
    from benchmarks.growth.run import run_growth

    only = tuple(args.only.split(",")) if args.only else ()
    paths = run_growth(BENCH_DIR / "results" / "growth", only=only)
    print(f"written: {', '.join(str(p) for p in paths.values())}")
    return 0


def _growth_pinned(args: argparse.Namespace) -> int:
    """Re-run this command pinned to the gateway core at raised priority, as the load test is."""
    from benchmarks.config import GATEWAY_CORE
    from benchmarks.processes import start_pinned
    from benchmarks.run import WORK_DIR

    command = [sys.executable, "-m", "benchmarks", "growth", "--child"]
    if args.only:
        command += ["--only", args.only]
    log = WORK_DIR / "logs" / "growth.log"
    log.unlink(missing_ok=True)
    child = start_pinned(command, core=GATEWAY_CORE, log=log)
    code = child.process.wait()
    print(log.read_text())
    return code


def _profile(args: argparse.Namespace) -> int:
    from benchmarks.profile import profile_gateway

    if args.ours_at:
        from benchmarks.gateways import use_ours_at

        use_ours_at(args.ours_at)
    summary = profile_gateway(
        scenario=args.scenario,
        seconds=args.seconds,
        out_dir=BENCH_DIR / "results" / "profile",
        gateway_name=args.gateway,
    )
    print(summary.read_text())
    return 0


def _compose(_: argparse.Namespace) -> int:
    from benchmarks.compose import compose_supergraph

    print(compose_supergraph())
    return 0


def _subgraphs(_: argparse.Namespace) -> int:
    from benchmarks.subgraphs.__main__ import main

    main([])
    return 0


def _stack(args: argparse.Namespace) -> int:
    from benchmarks.stack import run_stack_benchmark, to_markdown

    out = Path(args.out) if args.out else BENCH_DIR / "results"
    print(to_markdown(run_stack_benchmark(args.seconds, out)))
    return 0


def _subscriptions(args: argparse.Namespace) -> int:
    from benchmarks.subscriptions import run_subscription_benchmark, to_markdown

    out = Path(args.out) if args.out else BENCH_DIR / "results"
    print(to_markdown(run_subscription_benchmark(args.count, args.events, args.people, out)))
    return 0


def _scaling(args: argparse.Namespace) -> int:
    from benchmarks.scaling import run_scaling_benchmark, scaling_markdown

    out = Path(args.out) if args.out else BENCH_DIR / "results"
    print(scaling_markdown(run_scaling_benchmark(args.seconds, out)))
    return 0


def _outbox(args: argparse.Namespace) -> int:
    from benchmarks.outbox import outbox_markdown, run_outbox_benchmark

    out = Path(args.out) if args.out else BENCH_DIR / "results"
    report = run_outbox_benchmark(
        args.statuses, out, poll_seconds=args.poll_seconds, batch_size=args.batch_size
    )
    print(outbox_markdown(report))
    return 0 if all(run.duplicates == 0 and run.lost == 0 for run in report.runs) else 1


def _inprocess(args: argparse.Namespace) -> int:
    from benchmarks.inprocess import inprocess_markdown, run_inprocess_benchmark

    out = Path(args.out) if args.out else BENCH_DIR / "results"
    print(inprocess_markdown(run_inprocess_benchmark(args.seconds, out)))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="measure our gateway beside the peers")
    run.add_argument("--quick", action="store_true", help="one short round, under 3 minutes")
    run.add_argument("--gateways", help="comma-separated subset, e.g. ours,apollo-gateway")
    run.add_argument("--rounds", type=int, help="override the number of rounds")
    run.add_argument("--ours-at", help="measure our gateway at this git revision (exported)")
    run.add_argument("--warmup", type=float, help="override the warm-up seconds per scenario")
    run.add_argument("--measure", type=float, help="override the measured seconds per scenario")
    run.set_defaults(handler=_run)
    growth = commands.add_parser("growth", help="cost growth: entities, planning, caches")
    growth.add_argument("--only", help="comma-separated: cache,entities,query_size,supergraph_size")
    growth.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    growth.set_defaults(handler=_growth)
    profile = commands.add_parser("profile", help="py-spy our gateway under load")
    profile.add_argument("--scenario", default="unique-auth", choices=["identical", "unique-auth"])
    profile.add_argument("--seconds", type=float, default=20)
    profile.add_argument("--gateway", default="ours", choices=["ours", "ours-forward-auth"])
    profile.add_argument("--ours-at", help="profile our gateway at this git revision (exported)")
    profile.set_defaults(handler=_profile)
    compose = commands.add_parser("compose", help="recompose workload/supergraph.graphql")
    compose.set_defaults(handler=_compose)
    subgraphs = commands.add_parser("subgraphs", help="serve the four workload subgraphs")
    subgraphs.set_defaults(handler=_subgraphs)
    stack = commands.add_parser("stack", help="the whole Accounts Center stack under `Me`")
    stack.add_argument("--seconds", type=float, default=20)
    stack.add_argument("--out", help="results folder (default benchmarks/results)")
    stack.set_defaults(handler=_stack)
    subscriptions = commands.add_parser(
        "subscriptions", help="concurrent statusPosted subscriptions: fan-out latency, memory"
    )
    subscriptions.add_argument("--count", type=int, default=1000, help="open subscriptions")
    subscriptions.add_argument("--events", type=int, default=50, help="events published")
    subscriptions.add_argument("--people", type=int, default=10, help="people subscribing")
    subscriptions.add_argument("--out", help="results folder (default benchmarks/results)")
    subscriptions.set_defaults(handler=_subscriptions)
    scaling = commands.add_parser("scaling", help="`Me` through nginx with 1 and 2 gateways")
    scaling.add_argument("--seconds", type=float, default=20)
    scaling.add_argument("--out", help="results folder (default benchmarks/results)")
    scaling.set_defaults(handler=_scaling)
    outbox = commands.add_parser(
        "outbox", help="cross-post outbox drain with 1 and 2 whatsapp workers, exactly once"
    )
    outbox.add_argument("--statuses", type=int, default=300, help="due Statuses per run")
    outbox.add_argument("--poll-seconds", type=float, default=0.5, help="CROSSPOST_POLL_SECONDS")
    outbox.add_argument("--batch-size", type=int, default=20, help="CROSSPOST_BATCH_SIZE")
    outbox.add_argument("--out", help="results folder (default benchmarks/results)")
    outbox.set_defaults(handler=_outbox)
    inprocess = commands.add_parser(
        "inprocess", help="the workload's subgraphs inside the gateway vs over HTTP"
    )
    inprocess.add_argument("--seconds", type=float, default=10, help="per measurement")
    inprocess.add_argument("--out", help="results folder (default benchmarks/results)")
    inprocess.set_defaults(handler=_inprocess)
    args = parser.parse_args(argv)
    # `timeout` and CI runners stop with SIGTERM: turn it into SystemExit so that every
    # `finally` runs and stops the gateways and subgraphs this process started.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    handler = args.handler
    return int(handler(args))


if __name__ == "__main__":
    sys.exit(main())

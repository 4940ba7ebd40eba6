"""`gateway serve|plan|compose|diff|usage|config-table`: a command line shaped like the
routers' and rover's.

Mistakes in flags, config files or the supergraph end the command with one clear message on
stderr and exit status 2 (usage, config) or 1 (the work itself failed), never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import orjson

from gateway.config import Config, ConfigError, load_config
from gateway.config.render import (
    add_setting_flags,
    flag_overrides,
    settings_epilog,
    settings_table,
    write_table,
)
from gateway.config.sources import export_flags

__all__ = ["build_parser", "main", "serve_config"]

USAGE_ERROR = 2
FAILED = 1


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the hand-wrapped epilogs (the settings table) as written."""


def _add_serve(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser(
        "serve",
        help="serve the graph over HTTP (GraphQL endpoint, GraphiQL, /health, /ready)",
        description="Serve a supergraph: POST/GET /graphql, GraphiQL in a browser, "
        "/health (liveness) and /ready (readiness).",
        epilog=settings_epilog(),
        formatter_class=_Formatter,
    )
    serve.add_argument("--config", metavar="FILE", help="the gateway's YAML settings file")
    add_setting_flags(serve)


def _add_plan(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    plan = commands.add_parser(
        "plan",
        help="print the query plan of an operation",
        description="Print the plan the gateway would run for an operation, in Apollo's "
        "text form (or as JSON with Apollo's field names); batched entity fetches print as "
        "Hive Router's BatchFetch.",
    )
    plan.add_argument("--supergraph", metavar="FILE", required=True, help="supergraph SDL file")
    plan.add_argument(
        "operation", help="the operation text, a path to a .graphql file, or - for stdin"
    )
    plan.add_argument("--operation-name", help="which operation of the document to plan")
    plan.add_argument("--json", action="store_true", help="print the plan as JSON")
    plan.add_argument(
        "--apollo-shape",
        action="store_true",
        help="plan as Apollo's planner does, one request per fetch (the gateway batches "
        "a wave's entity fetches to one subgraph into one request)",
    )


def _add_compose(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    compose = commands.add_parser(
        "compose",
        help="compose subgraph schemas into a supergraph",
        description="Compose the subgraphs listed in a Rover-style supergraph.yaml (schemas "
        "from files or fetched from running subgraphs) into a supergraph SDL.",
    )
    compose.add_argument("--config", metavar="SUPERGRAPH_YAML", required=True)
    compose.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    compose.add_argument(
        "--contract",
        metavar="NAME",
        help="write the contract supergraph `contracts.NAME` declares (its @tag filters)",
    )
    compose.add_argument(
        "--settings",
        metavar="GATEWAY_YAML",
        help="the gateway settings file declaring the contract (else GATEWAY_CONFIG)",
    )


def _add_diff(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    diff = commands.add_parser(
        "diff",
        help="compare two supergraphs (or API schemas): breaking, dangerous and safe changes",
        description="Print each change from OLD to NEW (their API schemas) as breaking, "
        "dangerous or safe. Exit status 1 on a breaking change, 0 otherwise, 2 when a file "
        "cannot be read. With --operations, a breaking change no recorded operation uses is "
        "printed as breaking-unused and does not fail the check.",
    )
    diff.add_argument("old", type=Path, help="the schema clients use now (supergraph or SDL)")
    diff.add_argument("new", type=Path, help="the proposed schema (supergraph or SDL)")
    diff.add_argument(
        "--operations",
        type=Path,
        metavar="FILE_OR_DIR",
        help="recorded operations: a persisted-query manifest (.json), .graphql files, or a "
        "folder of them",
    )
    diff.add_argument(
        "--usage",
        metavar="METRICS",
        help="the usage a gateway's metrics saw instead (metrics.field_usage): its metrics "
        "URL or a saved scrape",
    )
    diff.add_argument("--json", action="store_true", help="print the changes as JSON")


def _add_usage(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    usage = commands.add_parser(
        "usage",
        help="operations and fields used per client app, from a gateway's metrics",
        description="Print each client app's operations and (with metrics.field_usage) the "
        "Type.field coordinates they selected, from a running gateway's metrics endpoint or "
        "a saved scrape.",
    )
    usage.add_argument("metrics", help="the metrics URL (http://HOST:PORT/metrics) or a file")
    usage.add_argument("--json", action="store_true", help="print the usage as JSON")


def _add_config_table(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    table = commands.add_parser(
        "config-table",
        help="print the settings table the README shows",
        description="Print every setting (YAML key, environment variable, flag, default) as "
        "the Markdown table in the README, generated from the settings' declaration.",
    )
    table.add_argument(
        "--write", metavar="README", help="replace the table between the markers in this file"
    )


def build_parser() -> argparse.ArgumentParser:
    """The whole command line."""
    parser = argparse.ArgumentParser(
        prog="gateway",
        description="A Python Apollo Federation v2 gateway.",
        epilog="Run 'gateway COMMAND --help' for a command's options.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_serve(commands)
    _add_plan(commands)
    _add_compose(commands)
    _add_diff(commands)
    _add_usage(commands)
    _add_config_table(commands)
    return parser


def _export(config_file: str | None, overrides: Mapping[str, object]) -> None:
    """Put flags in the environment, where worker processes read their settings."""
    if config_file is not None:
        os.environ["GATEWAY_CONFIG"] = str(Path(config_file).resolve())
    export_flags(overrides, os.environ)


def _run_serve(args: argparse.Namespace) -> int:
    from gateway.server import SupergraphLoadError, serve

    overrides = flag_overrides(args)
    config = load_config(args.config, overrides=overrides)
    if config.supergraph is None and config.compose.config is None:
        raise ConfigError("nothing to serve: give --supergraph FILE or --compose SUPERGRAPH_YAML")
    if config.server.workers > 1:
        _export(args.config, overrides)
    try:
        serve(config)
    except SupergraphLoadError as error:
        print(f"gateway serve: {error}", file=sys.stderr)
        return FAILED
    return 0


def _read_operation(text: str) -> str:
    if text == "-":
        return sys.stdin.read()
    candidate = Path(text)
    if text.endswith(".graphql") and candidate.is_file():
        return candidate.read_text(encoding="utf-8")
    return text


def _run_plan(args: argparse.Namespace) -> int:
    from gateway.operation import OperationErrors, prepare_operation
    from gateway.planner import build_query_plan, plan_to_json, print_plan
    from gateway.server import SupergraphLoadError, load_supergraph_file

    try:
        supergraph = load_supergraph_file(Path(args.supergraph))
    except SupergraphLoadError as error:
        print(f"gateway plan: {error}", file=sys.stderr)
        return FAILED
    prepared = prepare_operation(
        supergraph.api_schema, _read_operation(args.operation), args.operation_name
    )
    if isinstance(prepared, OperationErrors):
        for problem in prepared.errors:
            print(f"gateway plan: {problem.get('message')}", file=sys.stderr)
        return FAILED
    try:
        plan = build_query_plan(supergraph, prepared, batch=not args.apollo_shape)
    except Exception as error:  # a planner bug: say so in one line, as the server does
        print(f"gateway plan: the planner failed on this operation: {error!r}", file=sys.stderr)
        return FAILED
    if args.json:
        sys.stdout.write(orjson.dumps(plan_to_json(plan), option=orjson.OPT_INDENT_2).decode())
        sys.stdout.write("\n")
    else:
        print(print_plan(plan))
    return 0


def _run_compose(args: argparse.Namespace) -> int:
    try:
        from gateway.composition import CompositionFailure
        from gateway.composition.config import compose_from_config_sync
    except ImportError as missing:
        print(f"gateway compose: composition is not available: {missing}", file=sys.stderr)
        return FAILED
    result = compose_from_config_sync(args.config)
    if isinstance(result, CompositionFailure):
        print(f"gateway compose: composition failed:\n{result}", file=sys.stderr)
        return FAILED
    sdl = result.supergraph_sdl
    if args.contract is not None:
        contracted = _contract(args.contract, args.settings, sdl)
        if contracted is None:
            return FAILED
        sdl = contracted
    if args.output is None:
        sys.stdout.write(sdl)
        return 0
    try:
        Path(args.output).write_text(sdl, encoding="utf-8")
    except OSError as error:
        print(f"gateway compose: cannot write {args.output}: {error.strerror}", file=sys.stderr)
        return FAILED
    print(f"gateway compose: wrote {args.output}", file=sys.stderr)
    return 0


def _contract(name: str, settings_file: str | None, sdl: str) -> str | None:
    """The contract supergraph of `sdl`; a missing contract is a `ConfigError` (usage)."""
    from gateway.contracts import contract_sdl

    settings = load_config(settings_file).contract(name)
    if settings is None:
        raise ConfigError(f"no contract {name!r}: declare contracts.{name} in the settings")
    contracted = contract_sdl(sdl, settings)
    if not isinstance(contracted, str):
        print(f"gateway compose: contract {name} cannot be built:\n{contracted}", file=sys.stderr)
        return None
    return contracted


def _run_diff(args: argparse.Namespace) -> int:
    from gateway.checks.report import run_diff

    return run_diff(args.old, args.new, args.operations, seen=args.usage, as_json=args.json)


def _run_usage(args: argparse.Namespace) -> int:
    from gateway.telemetry.usage_report import run_usage

    return run_usage(args.metrics, as_json=args.json)


def _run_config_table(args: argparse.Namespace) -> int:
    if args.write is None:
        print(settings_table())
        return 0
    try:
        changed = write_table(Path(args.write))
    except (OSError, ValueError) as error:
        print(f"gateway config-table: cannot update {args.write}: {error}", file=sys.stderr)
        return FAILED
    print(f"gateway config-table: {args.write} {'updated' if changed else 'already current'}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `gateway` and `python -m gateway`; returns the exit status."""
    args = build_parser().parse_args(argv)
    runners = {
        "serve": _run_serve,
        "plan": _run_plan,
        "compose": _run_compose,
        "diff": _run_diff,
        "usage": _run_usage,
        "config-table": _run_config_table,
    }
    try:
        return runners[args.command](args)
    except ConfigError as error:
        print(f"gateway {args.command}: {error}", file=sys.stderr)
        return USAGE_ERROR


def serve_config(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> Config:
    """The `Config` that `gateway serve ARGV` would use, built without serving anything."""
    args = build_parser().parse_args(["serve", *argv])
    return load_config(args.config, environ=environ, overrides=flag_overrides(args))

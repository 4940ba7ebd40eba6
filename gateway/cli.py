"""`gateway serve | plan | compose`: the command line, shaped like the routers' and `rover`'s.

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

from gateway.config import (
    OPTIONS,
    SUBGRAPH_TIMEOUT_ENV_PREFIX,
    SUBGRAPH_URL_ENV_PREFIX,
    Config,
    ConfigError,
    load_config,
)

__all__ = ["build_parser", "main", "serve_config"]

USAGE_ERROR = 2
FAILED = 1


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the hand-wrapped epilogs (the settings table) as written."""


def _settings_epilog() -> str:
    lines = ["settings (YAML key in --config, environment variable, default):"]
    for option in OPTIONS:
        default = option.default
        if default is None:
            default = "in dev mode" if option.parse.__name__ == "_boolean" else "none"
        if isinstance(default, tuple):
            default = ",".join(default) or "none"
        lines.append(f"  {option.key:<26} {option.env:<34} {default!s:.40}")
        lines.append(f"      {option.help}")
    lines.append(
        "  subgraphs.<name>.url       "
        f"{SUBGRAPH_URL_ENV_PREFIX}<NAME>      the URL to call instead of the supergraph's"
    )
    lines.append(
        "  subgraphs.<name>.timeout   "
        f"{SUBGRAPH_TIMEOUT_ENV_PREFIX}<NAME>  seconds to wait for that subgraph"
    )
    lines.append("  (<NAME>: the subgraph name upper-cased, other characters as '_')")
    lines.append("Precedence: defaults < --config file < environment < command-line flags.")
    return "\n".join(lines)


def _add_serve(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser(
        "serve",
        help="serve the graph over HTTP (GraphQL endpoint, GraphiQL, /health, /ready)",
        description="Serve a supergraph: POST/GET /graphql, GraphiQL in a browser, "
        "/health (liveness) and /ready (readiness).",
        epilog=_settings_epilog(),
        formatter_class=_Formatter,
    )
    source = serve.add_mutually_exclusive_group()
    source.add_argument("--supergraph", metavar="FILE", help="supergraph SDL file to serve")
    source.add_argument(
        "--compose",
        metavar="SUPERGRAPH_YAML",
        help="compose from a Rover-style supergraph.yaml at start-up (dev mode: hot reload)",
    )
    serve.add_argument("--config", metavar="FILE", help="the gateway's YAML settings file")
    serve.add_argument("--host", help="interface to listen on (default 127.0.0.1)")
    serve.add_argument("--port", help="TCP port (default 4000)")
    serve.add_argument("--workers", help="worker processes, for several cores (default 1)")
    mode = serve.add_mutually_exclusive_group()
    mode.add_argument(
        "--dev",
        action="store_const",
        const="dev",
        dest="mode",
        help="dev mode: GraphiQL, introspection and query plans on (the default)",
    )
    mode.add_argument("--production", action="store_const", const="production", dest="mode",
                      help="production mode: GraphiQL and plans off unless configured")  # fmt: skip
    serve.add_argument("--log-level", help="critical, error, warning, info (default) or debug")
    serve.add_argument(
        "--request-timeout",
        metavar="SECONDS",
        help="end-to-end deadline of one operation (default 8)",
    )


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
    return parser


def _serve_overrides(args: argparse.Namespace) -> dict[str, object]:
    return {
        "supergraph": args.supergraph,
        "compose.config": args.compose,
        "server.host": args.host,
        "server.port": args.port,
        "server.workers": args.workers,
        "mode": args.mode,
        "server.log_level": args.log_level,
        "request_timeout": args.request_timeout,
    }


def _export(config_file: str | None, overrides: Mapping[str, object]) -> None:
    """Put flags in the environment, where worker processes read their settings."""
    envs = {option.key: option.env for option in OPTIONS}
    if config_file is not None:
        os.environ["GATEWAY_CONFIG"] = str(Path(config_file).resolve())
    for key, value in overrides.items():
        if value is not None:
            is_path = key in ("supergraph", "compose.config")
            os.environ[envs[key]] = str(Path(str(value)).resolve()) if is_path else str(value)


def _run_serve(args: argparse.Namespace) -> int:
    from gateway.server import SupergraphLoadError, serve

    overrides = _serve_overrides(args)
    config = load_config(args.config, overrides=overrides)
    if config.supergraph is None and config.compose is None:
        raise ConfigError("nothing to serve: give --supergraph FILE or --compose SUPERGRAPH_YAML")
    if config.workers > 1:
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
    if args.output is None:
        sys.stdout.write(result.supergraph_sdl)
        return 0
    try:
        Path(args.output).write_text(result.supergraph_sdl, encoding="utf-8")
    except OSError as error:
        print(f"gateway compose: cannot write {args.output}: {error.strerror}", file=sys.stderr)
        return FAILED
    print(f"gateway compose: wrote {args.output}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `gateway` and `python -m gateway`; returns the exit status."""
    args = build_parser().parse_args(argv)
    runners = {"serve": _run_serve, "plan": _run_plan, "compose": _run_compose}
    try:
        return runners[args.command](args)
    except ConfigError as error:
        print(f"gateway {args.command}: {error}", file=sys.stderr)
        return USAGE_ERROR


def serve_config(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> Config:
    """The `Config` that `gateway serve ARGV` would use, built without serving anything."""
    args = build_parser().parse_args(["serve", *argv])
    return load_config(args.config, environ=environ, overrides=_serve_overrides(args))

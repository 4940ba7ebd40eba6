"""`python -m devstack <command>`: the commands the Makefile calls."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

__all__ = ["main"]


def _prepare_tests(_: argparse.Namespace) -> int:
    """Build what the test session needs up front, so no test times out while building."""
    import os

    from devstack.deploy_check import prepare_deploy_tools
    from devstack.ferretdb_build import ensure_ferretdb

    # The deployment tests (tests/deploy) use helm, kubeconform and deploycheck: built here once.
    prepare_deploy_tools()
    print("deployment tools: helm, kubeconform, deploycheck and the Kubernetes schemas ready")
    if os.environ.get("MONGODB_URI"):
        print("MONGODB_URI is set; FerretDB is not needed.")
        return 0
    print(f"FerretDB: {ensure_ferretdb()}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from devstack.run import run

    return run()


def _cluster(args: argparse.Namespace) -> int:
    from devstack.run import run

    return run(cluster=True)


def _smoke(args: argparse.Namespace) -> int:
    from devstack.smoke import smoke

    return smoke()


def _schema(args: argparse.Namespace) -> int:
    """Delegates to `devstack.schema.main`, which parses its own options (`--check`)."""
    from devstack import schema

    result: int = schema.main(list(args.rest))
    return result


def _deploy_check(args: argparse.Namespace) -> int:
    from devstack.deploy_check import deploy_check

    return deploy_check()


COMMANDS: dict[str, tuple[str, Callable[[argparse.Namespace], int]]] = {
    "prepare-tests": (
        "build FerretDB (and other test prerequisites) ahead of pytest",
        _prepare_tests,
    ),
    "run": ("start everything, load the demo world, serve GraphiQL until Ctrl-C", _run),
    "cluster": (
        "`run` with GATEWAY_REPLICAS gateways and two of each subgraph behind nginx",
        _cluster,
    ),
    "smoke": ("start everything, run every example through the gateway, stop", _smoke),
    "schema": ("print each subgraph's SDL and compose schema/supergraph.graphql", _schema),
    "deploy-check": (
        "check compose.yaml, the Dockerfile and the Helm chart with the tools that read them",
        _deploy_check,
    ),
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, (help_text, handler) in COMMANDS.items():
        commands.add_parser(name, help=help_text, add_help=name != "schema").set_defaults(
            handler=handler
        )
    args, rest = parser.parse_known_args(argv)
    if rest and args.command != "schema":
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    args.rest = rest
    chosen: Callable[[argparse.Namespace], int] = args.handler
    return chosen(args)


if __name__ == "__main__":
    sys.exit(main())

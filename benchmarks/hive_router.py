"""Hive Router (Rust), the peer to beat per core: built once from crates.io into `.cache/`.

The crate's default build npm-installs a package version that is not served, so it is built
with `cargo +nightly install hive-router --locked --features graphiql` (it needs rustc 1.97, the
nightly toolchain here): about 40 minutes on 2 cores, once. `make bench` builds it when missing;
`make bench-quick` leaves it out with a notice instead of waiting.
"""

from __future__ import annotations

import os
import subprocess

from benchmarks.workload import ROOT_DIR

__all__ = ["HIVE_ROUTER", "HIVE_ROUTER_VERSION", "ensure_hive_router"]

HIVE_ROUTER_VERSION = "0.3.10"
HIVE_ROUTER_DIR = ROOT_DIR / ".cache" / "hive-router"
HIVE_ROUTER = HIVE_ROUTER_DIR / "bin" / "hive_router"


def ensure_hive_router(*, build: bool) -> bool:
    """Whether the router binary is there, building it first when `build` allows."""
    if HIVE_ROUTER.exists():
        return True
    if not build:
        print("notice: Hive Router is not built yet (`make bench` builds it); left out", flush=True)
        return False
    print("building Hive Router with cargo +nightly (first time only, ~40 min)", flush=True)
    command = [
        "cargo", "+nightly", "install", "hive-router", "--version", HIVE_ROUTER_VERSION,
        "--locked", "--features", "graphiql", "--root", str(HIVE_ROUTER_DIR),
    ]  # fmt: skip
    env = {**os.environ, "CARGO_TARGET_DIR": str(HIVE_ROUTER_DIR / "target")}
    subprocess.run(command, env=env, check=True)
    return HIVE_ROUTER.exists()

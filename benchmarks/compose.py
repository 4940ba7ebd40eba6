"""Compose the workload's supergraph once, with the reference composer, and write it to disk.

The supergraph is committed (`benchmarks/workload/supergraph.graphql`) so that every gateway reads
the same file; this module only regenerates it (`python -m benchmarks compose`). It uses
`@theguild/federation-composition` from the dev-only npm tools (`make npm-tools`) rather than the
project's own composer, so a composition bug cannot make our gateway look right.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from benchmarks.config import subgraph_url
from benchmarks.workload import ROOT_DIR, SUBGRAPH_NAMES, SUPERGRAPH, subgraph_sdl

__all__ = ["compose_services", "compose_supergraph"]

NPM_TOOLS = ROOT_DIR / ".cache" / "npm"

_SCRIPT = """
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
let input = '';
for await (const chunk of process.stdin) input += chunk;
const services = JSON.parse(input).map((s) => ({ ...s, typeDefs: parse(s.typeDefs) }));
const result = composeServices(services);
if (result.errors && result.errors.length) {
  for (const e of result.errors) console.error(e.message);
  process.exit(1);
}
process.stdout.write(result.supergraphSdl);
"""


def compose_supergraph(out: Path = SUPERGRAPH) -> Path:
    """Compose the four workload subgraphs, pointing at the harness's subgraph ports."""
    services = [
        {"name": name, "typeDefs": subgraph_sdl(name), "url": subgraph_url(name)}
        for name in SUBGRAPH_NAMES
    ]
    out.write_text(compose_services(services))
    return out


def compose_services(services: list[dict[str, str]]) -> str:
    """Compose `{name, typeDefs, url}` subgraphs into supergraph SDL (raises on errors)."""
    script = NPM_TOOLS / "compose-bench.mjs"
    script.write_text(_SCRIPT)
    done = subprocess.run(
        ["node", str(script)],
        input=json.dumps(services),
        capture_output=True,
        text=True,
        check=False,
        cwd=NPM_TOOLS,
    )
    if done.returncode != 0:
        raise RuntimeError(f"composition failed:\n{done.stderr[:4000]}")
    return _tidy(done.stdout)


def _tidy(sdl: str) -> str:
    """Drop the composer's trailing spaces and runs of blank lines; the SDL is unchanged."""
    lines = [line.rstrip() for line in sdl.strip().splitlines()]
    kept = [line for i, line in enumerate(lines) if line or (i > 0 and lines[i - 1])]
    return "\n".join(kept) + "\n"

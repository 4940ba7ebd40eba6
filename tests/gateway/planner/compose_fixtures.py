"""Dev tool: compose `tests/fixtures/supergraphs/src/<name>/*.graphql` into
`tests/fixtures/supergraphs/<name>.graphql` with Apollo's composition (npm, dev-only).

Run `python -m tests.gateway.planner.compose_fixtures [name ...]` after `make npm-tools`. The
composed files are committed, so the planner tests never need node.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SOURCES = ROOT / "tests" / "fixtures" / "supergraphs" / "src"
SCRIPT = Path(__file__).with_name("apollo_reference.mjs")


def compose(name: str) -> None:
    subgraphs = [
        {"name": f.stem, "url": f"http://{f.stem}.local/graphql", "sdl": f.read_text()}
        for f in sorted((SOURCES / name).glob("*.graphql"))
    ]
    env = {**os.environ, "NODE_PATH": str(ROOT / ".cache" / "npm" / "node_modules")}
    result = subprocess.run(
        ["node", str(SCRIPT), "compose"],
        input=json.dumps(subgraphs),
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"{name}: {result.stderr}")
    (SOURCES.parent / f"{name}.graphql").write_text(result.stdout + "\n")


if __name__ == "__main__":
    for name in sys.argv[1:] or sorted(p.name for p in SOURCES.iterdir() if p.is_dir()):
        compose(name)

"""The checked-in SDL of WhatsApp, Facebook and Instagram is what their code serves.

`make schema` writes `schema/<name>.graphql` from each subgraph's `print_sdl()`; the gateway and
the composition read those files, so a schema change that is not re-printed must fail here.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("name", ["whatsapp", "facebook", "instagram"])
def test_checked_in_sdl_matches_the_code(name: str) -> None:
    module = importlib.import_module(f"subgraphs.{name}.schema")
    checked_in = (ROOT / "schema" / f"{name}.graphql").read_text()
    assert module.print_sdl() == checked_in, f"run `make schema`: schema/{name}.graphql is stale"

"""The checked-in `schema/` files must be what `make schema` would write from the code today."""

from __future__ import annotations

from pathlib import Path

import pytest

from devstack.schema import SCHEMA_DIR, SUBGRAPHS, main, render_files, supergraph_yaml
from gateway.composition import CompositionFailure, SubgraphSource
from tests.gateway.composition.composition_support import (
    api_schema,
    join_info,
    public_schema,
    run_reference,
)


@pytest.fixture(scope="module")
def rendered() -> dict[Path, str]:
    files = render_files()
    assert not isinstance(files, CompositionFailure), str(files)
    return files


def test_schema_files_match_the_code(rendered: dict[Path, str]) -> None:
    stale = [
        str(path.relative_to(SCHEMA_DIR.parent))
        for path, content in rendered.items()
        if not path.exists() or path.read_text() != content
    ]
    assert not stale, f"out of date (run `make schema`): {stale}"


def test_supergraph_yaml_lists_the_four_subgraphs() -> None:
    text = supergraph_yaml()
    for name, port in SUBGRAPHS:
        assert f"routing_url: http://127.0.0.1:{port}/graphql" in text
        assert f"file: ./{name}.graphql" in text


@pytest.mark.node
def test_accounts_center_matches_reference(rendered: dict[Path, str]) -> None:
    sources = [
        SubgraphSource(
            name=name,
            routing_url=f"http://127.0.0.1:{port}/graphql",
            sdl=rendered[SCHEMA_DIR / f"{name}.graphql"],
        )
        for name, port in SUBGRAPHS
    ]
    theirs = run_reference({"accounts-center": sources})["accounts-center"]
    assert theirs["ok"], theirs
    ours = rendered[SCHEMA_DIR / "supergraph.graphql"]
    assert api_schema(ours) == api_schema(theirs["supergraphSdl"])
    assert api_schema(ours) == public_schema(theirs["publicSdl"])
    assert join_info(ours) == join_info(theirs["supergraphSdl"])


def test_make_schema_check_and_write(tmp_path: Path) -> None:
    for name in [*(f"{n}.graphql" for n, _ in SUBGRAPHS), "supergraph.yaml", "supergraph.graphql"]:
        (tmp_path / name).write_text((SCHEMA_DIR / name).read_text())
    assert main(["--check", "--dir", str(tmp_path)]) == 0
    (tmp_path / "supergraph.graphql").write_text("stale")
    (tmp_path / "whatsapp.graphql").unlink()
    assert main(["--check", "--dir", str(tmp_path)]) == 1
    assert main(["--dir", str(tmp_path)]) == 0
    assert (tmp_path / "supergraph.graphql").read_text() == (
        SCHEMA_DIR / "supergraph.graphql"
    ).read_text()
    assert main(["--check", "--dir", str(tmp_path)]) == 0

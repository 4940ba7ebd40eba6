"""`gateway diff`: changes between two supergraphs' API schemas, and recorded operations."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from devstack.schema import report_changes
from gateway.cli import main

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "supergraphs"
OLD = (FIXTURES / "keys-single.graphql").read_text()


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_removed_field_is_breaking(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = OLD.replace("  title: String!\n", "")
    status = main(
        [
            "diff",
            str(_write(tmp_path, "old.graphql", OLD)),
            str(_write(tmp_path, "new.graphql", new)),
        ]
    )
    out = capsys.readouterr().out
    assert status == 1
    assert "breaking         FIELD_REMOVED                Post.title was removed." in out


def test_an_added_field_is_safe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = OLD.replace(
        "  title: String!\n", "  title: String!\n  body: String @join__field(graph: POSTS)\n"
    )
    old_path, new_path = _write(tmp_path, "old.graphql", OLD), _write(tmp_path, "new.graphql", new)
    assert main(["diff", str(old_path), str(new_path), "--json"]) == 0
    changes = orjson.loads(capsys.readouterr().out)["changes"]
    assert changes == [
        {
            "severity": "safe",
            "kind": "FIELD_ADDED",
            "description": "Post.body was added.",
            "coordinates": ["Post.body"],
        }
    ]


def test_a_removal_no_recorded_operation_uses_does_not_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = OLD.replace("  name: String @join__field(graph: USERS)\n", "")
    old_path, new_path = _write(tmp_path, "old.graphql", OLD), _write(tmp_path, "new.graphql", new)
    manifest = {"operations": [{"id": "a", "body": "query Posts { me { id posts { title } } }"}]}
    recorded = _write(tmp_path, "manifest.json", orjson.dumps(manifest).decode())
    assert main(["diff", str(old_path), str(new_path), "--operations", str(recorded)]) == 0
    out = capsys.readouterr().out
    assert "breaking-unused  FIELD_REMOVED                User.name was removed." in out
    # The same removal fails the check once a recorded operation selects the field.
    folder = tmp_path / "operations"
    folder.mkdir()
    _write(folder, "me.graphql", "query Me { me { name } }")
    assert main(["diff", str(old_path), str(new_path), "--operations", str(folder)]) == 1
    assert "breaking         FIELD_REMOVED                User.name" in capsys.readouterr().out


def test_arguments_count_only_where_an_operation_passes_them(tmp_path: Path) -> None:
    old = "type Query { users(first: Int, after: String): [String!]! }"
    new = "type Query { users(first: Int): [String!]! }"
    old_path, new_path = _write(tmp_path, "old.graphql", old), _write(tmp_path, "new.graphql", new)
    without = _write(tmp_path, "a.graphql", "{ users(first: 2) }")
    assert main(["diff", str(old_path), str(new_path), "--operations", str(without)]) == 0
    passing = _write(tmp_path, "b.graphql", "query($a: String) { users(after: $a) }")
    assert main(["diff", str(old_path), str(new_path), "--operations", str(passing)]) == 1


def test_unreadable_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = _write(tmp_path, "good.graphql", OLD)
    assert main(["diff", str(tmp_path / "missing.graphql"), str(good)]) == 2
    assert "cannot read" in capsys.readouterr().err
    broken = _write(tmp_path, "broken.graphql", "type Query {")
    assert main(["diff", str(good), str(broken)]) == 2
    assert "not GraphQL" in capsys.readouterr().err
    not_manifest = _write(tmp_path, "ops.json", "[1, 2]")
    assert main(["diff", str(good), str(good), "--operations", str(not_manifest)]) == 2


def test_make_schema_prints_a_banner_for_a_breaking_change(
    capsys: pytest.CaptureFixture[str],
) -> None:
    outcome = report_changes(OLD, OLD.replace("  title: String!\n", ""))
    assert outcome is not None
    assert outcome.status == 1
    out = capsys.readouterr().out
    assert "BREAKING: this supergraph removes" in out
    assert "Post.title was removed." in out
    report_changes(OLD, OLD)
    assert "BREAKING" not in capsys.readouterr().out


def test_an_unreadable_scrape_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = _write(tmp_path, "good.graphql", OLD)
    assert main(["diff", str(good), str(good), "--usage", str(tmp_path / "none.txt")]) == 2
    garbage = _write(tmp_path, "scrape.txt", "gateway_client_field_usage_total{ 1\n")
    assert main(["diff", str(good), str(good), "--usage", str(garbage)]) == 2
    assert "not a metrics scrape" in capsys.readouterr().err

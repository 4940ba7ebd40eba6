"""`--help`, serve's flags and the README's settings table, all from the declaration."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.cli import build_parser, main
from gateway.config import Config
from gateway.config.declare import families, specs
from gateway.config.render import (
    TABLE_END,
    TABLE_START,
    flag_overrides,
    settings_epilog,
    settings_table,
    shown_default,
    write_table,
)

README = Path(__file__).resolve().parents[3] / "README.md"


def test_the_readme_table_is_the_generated_one() -> None:
    """Fails while README.md's table differs; `gateway config-table --write README.md` fixes it."""
    text = README.read_text(encoding="utf-8")
    start, end = text.index(TABLE_START), text.index(TABLE_END) + len(TABLE_END)
    assert text[start:end] == settings_table()


def test_every_setting_and_family_member_is_listed() -> None:
    epilog, table = settings_epilog(), settings_table()
    for spec in specs(Config):
        assert f"  {spec.key} " in epilog
        assert f"| `{spec.key}` | `{spec.setting.env}` |" in table
    for declared in families(Config):
        for member, setting in declared.members:
            assert f"| `{declared.key}.<name>.{member}` | `{setting.env}` |" in table
            assert setting.env in epilog


def test_defaults_are_shown_as_values_or_per_mode() -> None:
    by_key = {spec.key: spec for spec in specs(Config)}
    assert shown_default(by_key["server.port"]) == "4000"
    assert shown_default(by_key["request_timeout"]) == "8"
    assert shown_default(by_key["headers.forward"]) == "none"
    assert shown_default(by_key["security.error_extensions"]) == "code, serviceName, retryAfter"
    assert shown_default(by_key["security.mask_errors"]) == "false in dev, true in production"
    assert shown_default(by_key["auth.jwks_url"]) == "none: off"
    table = settings_table()
    assert "| `--port` | `4000` |" in table  # values as code, words as words
    assert "| true in dev, false in production |" in table


def test_declared_flags_become_overrides_by_key() -> None:
    args = build_parser().parse_args(
        ["serve", "--port", "4100", "--production", "--compose", "s.yaml"]
    )
    overrides = flag_overrides(args)
    assert overrides["server.port"] == "4100"
    assert overrides["mode"] == "production"
    assert overrides["compose.config"] == "s.yaml"
    assert overrides["supergraph"] is None
    assert set(overrides) == {s.key for s in specs(Config) if s.setting.flag or s.setting.switches}


@pytest.mark.parametrize(
    "argv", [["--dev", "--production"], ["--supergraph", "a", "--compose", "b"]]
)
def test_exclusive_flags_cannot_be_given_together(argv: list[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", *argv])


def test_write_table_replaces_only_the_marked_block(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\n{TABLE_START}\nold\n{TABLE_END}\n\nAfter.\n", encoding="utf-8")
    assert write_table(readme)
    assert readme.read_text(encoding="utf-8") == f"# Title\n\n{settings_table()}\n\nAfter.\n"
    assert not write_table(readme)


def test_config_table_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config-table"]) == 0
    assert capsys.readouterr().out == settings_table() + "\n"
    unmarked = tmp_path / "plain.md"
    unmarked.write_text("no markers\n", encoding="utf-8")
    assert main(["config-table", "--write", str(unmarked)]) == 1
    assert "cannot update" in capsys.readouterr().err

"""Example tabs: metadata lines stay out of the editor, and the sign-in/sign-out rules are read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gateway.server.examples import (
    load_example_tabs,
    parse_captures,
    session_config,
    split_header,
)

ROOT = Path(__file__).resolve().parents[3]
SIGN_IN = """# Sign in: the token goes with every tab.
# auth: none
# order: 10
# variables: {"email": "a@example.com"}
# captures: token=signIn.token, signedInAs=signIn.person.name, other=signIn.person.id
mutation SignIn($email: String!) { signIn(email: $email) { token person { id name } } }
"""
SIGN_OUT = "# order: 99\n# signs-out: signOut\nmutation SignOut { signOut }\n"


def test_metadata_lines_are_split_off_and_comments_for_the_reader_stay() -> None:
    text = (
        "# What this does.\n"
        "# order: 20\n"
        "\n"
        "#   allow-empty: a.b\n"
        "# Note: kept, its key is not lowercase.\n"
        "query Q {\n"
        "  a # order: 5 (inside the operation: not a header)\n"
        "}\n"
    )
    header, body = split_header(text)
    assert header == {"order": "20", "allow-empty": "a.b"}
    assert body == (
        "# What this does.\n"
        "\n"
        "# Note: kept, its key is not lowercase.\n"
        "query Q {\n"
        "  a # order: 5 (inside the operation: not a header)\n"
        "}\n"
    )


def test_captures_are_pairs_and_a_bad_item_is_named() -> None:
    assert parse_captures("token=a.b, name = a.c ,") == (("token", "a.b"), ("name", "a.c"))
    with pytest.raises(ValueError, match="expected name=path, got 'nothing'"):
        parse_captures("token=a.b, nothing")


def test_tabs_carry_no_metadata_and_the_session_rules(tmp_path: Path) -> None:
    (tmp_path / "sign-in.graphql").write_text(SIGN_IN, encoding="utf-8")
    (tmp_path / "sign-out.graphql").write_text(SIGN_OUT, encoding="utf-8")
    (tmp_path / "broken.graphql").write_text("# captures: oops\n{ a }\n", encoding="utf-8")
    tabs = load_example_tabs(tmp_path)
    assert [tab.name for tab in tabs] == ["sign-in", "broken", "sign-out"]
    sign_in = tabs[0]
    assert sign_in.query.startswith("# Sign in: the token goes with every tab.\nmutation SignIn")
    assert sign_in.variables == '{\n  "email": "a@example.com"\n}'
    assert sign_in.anonymous
    assert tabs[1].captures == ()  # a bad captures line is left out, the tab kept
    assert session_config(tabs) == {
        "signIn": [{"token": "signIn.token", "name": "signIn.person.name", "query": sign_in.query}],
        "signOut": {"path": "signOut", "query": "mutation SignOut { signOut }\n"},
        "anonymous": [sign_in.query],
    }


def test_without_sign_in_examples_there_is_no_session() -> None:
    assert session_config(()) == {"signIn": [], "signOut": None, "anonymous": []}


def test_checked_in_examples_show_no_tooling_lines() -> None:
    tabs = load_example_tabs(ROOT / "examples")
    assert len(tabs) >= 10
    for tab in tabs:
        assert not re.search(r"^#\s*[a-z][a-z-]*:", tab.query, re.M), tab.name
        assert "mission" not in tab.query, tab.name
    session = session_config(tabs)
    assert [rule["token"] for rule in session["signIn"]] == ["signIn.token"]
    assert session["signOut"] is not None
    assert session["signOut"]["path"] == "signOut"

"""Example headers are read as documented, bad headers name the file, and the real files parse."""

from __future__ import annotations

from pathlib import Path

import pytest

from devstack.examples import (
    EXAMPLES_DIR,
    KNOWN_KEYS,
    ExampleFormatError,
    load_examples,
    parse_example,
)
from gateway.server.examples import split_header


def test_header_keys_are_read(tmp_path: Path) -> None:
    path = tmp_path / "post-status.graphql"
    path.write_text(
        "# Post a status and cross-post it.\n"
        '# variables: {"text": "hi", "id": "$statusId"}\n'
        "# order: 20\n"
        "# allow-null: postStatus.status.expiresAt, a.b\n"
        "# allow-empty: postStatus.pending\n"
        "# captures: crossPostedStatusId=postStatus.status.id\n"
        "# expect-error: BAD_USER_INPUT\n"
        "# signs-out: postStatus.done\n"
        "# some-other-tool: ignored here\n"
        "mutation PostStatus($text: String!) { postStatus(text: $text) { status { id } } }\n"
    )
    example = parse_example(path)
    assert example.name == "post-status"
    assert example.variables == {"text": "hi", "id": "$statusId"}
    assert example.order == 20
    assert example.needs_auth
    assert example.allow_null == {"postStatus.status.expiresAt", "a.b"}
    assert example.allow_empty == {"postStatus.pending"}
    assert example.captures == (("crossPostedStatusId", "postStatus.status.id"),)
    assert example.expect_error == "BAD_USER_INPUT"
    assert example.signs_out == "postStatus.done"
    # What is sent is what GraphiQL shows: the description, no metadata lines.
    assert example.query == (
        "# Post a status and cross-post it.\n"
        "mutation PostStatus($text: String!) { postStatus(text: $text) { status { id } } }\n"
    )


def test_auth_none_and_order_sorting(tmp_path: Path) -> None:
    (tmp_path / "b.graphql").write_text("# auth: none\n# order: 1\nquery B { a }\n")
    (tmp_path / "a.graphql").write_text("query A { a }\n")
    examples = load_examples(tmp_path)
    assert [e.name for e in examples] == ["b", "a"]
    assert not examples[0].needs_auth
    assert examples[0].expect_error is None


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("# variables: {nope}", "variables: not JSON"),
        ("# variables: [1]", "expected a JSON object"),
        ("# order: soon", "order: expected an integer"),
        ("# captures: nothing", "captures: expected name=path"),
    ],
)
def test_bad_headers_name_the_file(tmp_path: Path, header: str, message: str) -> None:
    path = tmp_path / "bad.graphql"
    path.write_text(f"{header}\nquery Q {{ a }}\n")
    with pytest.raises(ExampleFormatError, match=message) as info:
        parse_example(path)
    assert "bad.graphql" in str(info.value)


def test_checked_in_examples_parse_and_include_the_one_query() -> None:
    examples = load_examples(EXAMPLES_DIR)
    names = [example.name for example in examples]
    assert "me" in names
    assert any(n == "crossPostedStatusId" for e in examples for n, _ in e.captures)
    assert [e.name for e in examples if e.signs_out] == ["sign-out"]


def test_checked_in_examples_use_known_keys_only() -> None:
    # A `# word: ...` line is metadata and never shown: a typo'd key, or a description line
    # that happens to read like one, would vanish from GraphiQL without this check.
    for path in EXAMPLES_DIR.glob("*.graphql"):
        header, _ = split_header(path.read_text())
        assert set(header) <= KNOWN_KEYS, (path.name, set(header) - KNOWN_KEYS)

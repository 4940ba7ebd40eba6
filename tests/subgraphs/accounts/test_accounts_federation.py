"""Federation over HTTP: `_service { sdl }`, `_entities`, batching, and the checked-in SDL."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from subgraphs.accounts.schema import print_sdl
from tests.subgraphs.accounts.accounts_support import AccountsService, SignedIn, ok, sign_up

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
ENTITIES = """
query($reps: [_Any!]!) {
  _entities(representations: $reps) { ... on Person { id displayName stickers { label } } }
}
"""


def test_service_sdl_is_the_printed_sdl(accounts: AccountsService) -> None:
    sdl = ok(accounts.gql("{ _service { sdl } }"))["_service"]["sdl"]
    assert sdl.rstrip("\n") == print_sdl().rstrip("\n")
    assert sdl.startswith('schema @link(url: "https://specs.apollo.dev/federation/v2.')
    assert 'type Person @key(fields: "id")' in sdl


def test_checked_in_sdl_matches_the_code() -> None:
    checked_in = (ROOT / "schema" / "accounts.graphql").read_text()
    assert checked_in == print_sdl(), (
        "schema/accounts.graphql drifted; run `python -m subgraphs.accounts --print-sdl "
        "> schema/accounts.graphql` (or `make schema`)"
    )


def test_entities_resolve_in_order_with_nulls(accounts: AccountsService) -> None:
    first, second = sign_up(accounts.url, display_name="A"), sign_up(accounts.url, display_name="B")
    reps = [
        {"__typename": "Person", "id": second.person_id},
        {"__typename": "Person", "id": "0123456789abcdef01234567"},
        {"__typename": "Person", "id": first.person_id},
    ]
    data = ok(accounts.gql(ENTITIES, {"reps": reps}))
    assert data["_entities"] == [
        {"id": second.person_id, "displayName": "B", "stickers": []},
        None,
        {"id": first.person_id, "displayName": "A", "stickers": []},
    ]


def _finds(accounts: AccountsService) -> dict[str, int]:
    status, body = accounts.internal("/internal/debug/commands")
    assert status == 200, body
    return dict(body["commands"].get(accounts.database, {}))


def _many(accounts: AccountsService, count: int) -> list[SignedIn]:
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda i: sign_up(accounts.url, display_name=f"P{i}"), range(count)))


def test_one_hundred_people_cost_one_query_per_key(accounts: AccountsService) -> None:
    people = _many(accounts, 100)
    reps = [{"__typename": "Person", "id": person.person_id} for person in people]
    before = _finds(accounts)
    data = ok(accounts.gql(ENTITIES, {"reps": reps}))
    after = _finds(accounts)
    assert [entity["displayName"] for entity in data["_entities"]] == [f"P{i}" for i in range(100)]
    spent = {name: after.get(name, 0) - before.get(name, 0) for name in after}
    spent = {name: count for name, count in spent.items() if count}
    # One `find` for the 100 people and one for all of their stickers; nothing else.
    assert spent == {"find": 2}, spent


def test_entities_without_stickers_cost_one_query(accounts: AccountsService) -> None:
    people = _many(accounts, 100)
    reps = [{"__typename": "Person", "id": person.person_id} for person in people]
    query = "query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Person { id } } }"
    before = _finds(accounts)
    ok(accounts.gql(query, {"reps": reps}))
    after = _finds(accounts)
    assert after.get("find", 0) - before.get("find", 0) == 1


def test_print_sdl_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "subgraphs.accounts", "--print-sdl"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=ROOT,
    )
    assert result.stdout == print_sdl()


def test_missing_settings_exit_cleanly() -> None:
    env = {key: value for key, value in os.environ.items() if key != "MONGODB_URI"}
    result = subprocess.run(
        [sys.executable, "-m", "subgraphs.accounts"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=env,
    )
    assert result.returncode == 2
    assert "MONGODB_URI is required" in result.stderr
    assert "Traceback" not in result.stderr

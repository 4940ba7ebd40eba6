"""The tests' database is a real server reached over the wire, and prefixes are dropped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pymongo import AsyncMongoClient, IndexModel, MongoClient

from devstack.database import Database, drop_prefixed, new_prefix, ping, start_ferretdb
from devstack.ferretdb_build import BINARY, FERRETDB_VERSION
from devstack.processes import free_port

pytestmark = pytest.mark.integration


def test_server_answers_ping(mongodb_uri: str) -> None:
    assert ping(mongodb_uri)


def test_nothing_listens_on_a_free_port() -> None:
    assert not ping(f"mongodb://127.0.0.1:{free_port()}/", timeout_ms=200)


async def test_documents_round_trip_over_the_wire(mongodb_uri: str, db_prefix: str) -> None:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(mongodb_uri)
    try:
        people = client[f"{db_prefix}_roundtrip"]["people"]
        await people.insert_many([{"_id": "p1", "name": "Ada"}, {"_id": "p2", "name": "Grace"}])
        found = await people.find({"name": "Grace"}).to_list()
        assert found == [{"_id": "p2", "name": "Grace"}]
        assert await people.count_documents({}) == 2
    finally:
        await client.close()


def test_db_prefix_databases_are_dropped(mongodb_uri: str) -> None:
    prefix = new_prefix()
    client: MongoClient[dict[str, object]] = MongoClient(mongodb_uri)
    try:
        client[f"{prefix}_a"]["c"].insert_one({"x": 1})
        client[f"{prefix}_b"]["c"].insert_one({"x": 2})
        client["keep_" + prefix]["c"].insert_one({"x": 3})
        assert drop_prefixed(mongodb_uri, prefix) == sorted([f"{prefix}_a", f"{prefix}_b"])
        names = client.list_database_names()
        assert not [name for name in names if name.startswith(prefix)]
        assert "keep_" + prefix in names
    finally:
        client.drop_database("keep_" + prefix)
        client.close()


@pytest.mark.skipif(bool(os.environ.get("MONGODB_URI")), reason="uses the MONGODB_URI server")
def test_own_ferretdb_starts_and_stops_by_pid(tmp_path: Path) -> None:
    database: Database = start_ferretdb(tmp_path / "data", tmp_path / "f.log", throwaway=True)
    assert database.pid is not None
    assert ping(database.uri)
    database.stop()
    with pytest.raises(ProcessLookupError):
        os.kill(database.pid, 0)
    assert not ping(database.uri, timeout_ms=200)
    assert not (tmp_path / "data").exists()


@pytest.mark.skipif(bool(os.environ.get("MONGODB_URI")), reason="uses the MONGODB_URI server")
def test_built_ferretdb_reports_its_version(mongodb_uri: str) -> None:
    client: MongoClient[dict[str, object]] = MongoClient(mongodb_uri)
    try:
        info = client.admin.command("buildInfo")
    finally:
        client.close()
    assert info.get("ferretdbVersion") == FERRETDB_VERSION
    assert BINARY.is_file()


async def test_recreating_several_existing_indexes_is_a_no_op(
    mongodb_uri: str, db_prefix: str
) -> None:
    """Regression for the FerretDB 1.24.2 panic that `ferretdb_patches` fixes."""
    indexes = [
        IndexModel([("personId", 1), ("platform", 1)], name="a", unique=True),
        IndexModel([("platform", 1), ("accountId", 1)], name="b", unique=True),
        IndexModel([("createdAt", 1)], name="c"),
    ]
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(mongodb_uri)
    try:
        links = client[f"{db_prefix}_indexes"]["links"]
        assert await links.create_indexes(indexes) == ["a", "b", "c"]
        assert await links.create_indexes(indexes) == ["a", "b", "c"]
        extra = [*indexes[:2], IndexModel([("linkedAt", 1)], name="d")]
        assert await links.create_indexes(extra) == ["a", "b", "d"]
        names = sorted([index["name"] async for index in await links.list_indexes()])
        assert names == ["_id_", "a", "b", "c", "d"]
        await links.insert_one({"personId": 1, "platform": "X", "accountId": 1})
        assert await links.count_documents({}) == 1
    finally:
        await client.close()

"""The in-process benchmark's pure parts: what each set-up's gateway is told, and the table (no
timing is asserted; the benchmark itself runs only as `python -m benchmarks inprocess`)."""

from __future__ import annotations

from graphql import GraphQLSchema

from benchmarks.inprocess import INSTANCES, InProcessRun, gateway_env, inprocess_markdown
from benchmarks.subgraphs.server import SubgraphApp
from benchmarks.workload import SUBGRAPH_NAMES
from gateway.references import load_reference

PORTS = {name: 15000 + i for i, name in enumerate(SUBGRAPH_NAMES)}


def test_in_process_names_an_importable_schema_for_every_subgraph() -> None:
    env = gateway_env("in-process", PORTS)
    assert env["GATEWAY_FORWARD_HEADERS"] == "authorization"  # no dedup across clients
    for name in SUBGRAPH_NAMES:
        schema = load_reference(env[f"GATEWAY_SUBGRAPH_SCHEMA_{name.upper()}"], "schema")
        assert isinstance(schema, GraphQLSchema)
    assert not any(key.startswith("GATEWAY_SUBGRAPH_URL_") for key in env)


def test_http_points_every_subgraph_at_its_port() -> None:
    env = gateway_env("http", PORTS)
    assert env["GATEWAY_FORWARD_HEADERS"] == "authorization"
    assert env["GATEWAY_SUBGRAPH_URL_REVIEWS"] == f"http://127.0.0.1:{PORTS['reviews']}/graphql"
    assert not any(key.startswith("GATEWAY_SUBGRAPH_SCHEMA_") for key in env)


def test_subgraphs_without_the_memo_execute_every_request() -> None:
    schema = load_reference(f"{INSTANCES}:products", "schema")
    assert isinstance(schema, GraphQLSchema)
    body = b'{"query": "{ topProducts { upc } }"}'
    for memo, executions in ((True, 1), (False, 3)):
        app = SubgraphApp("products", schema, memo=memo)
        for _ in range(3):
            assert app.handle(b"POST", b"/graphql", body)[0] == 200
        assert (app.requests, app.executions) == (3, executions)


def test_the_table_sets_the_set_ups_side_by_side_per_concurrency() -> None:
    runs = [
        InProcessRun(mode=m, connections=c, requests=10, rps=r, p50_ms=p, p99_ms=p * 2, failed=0)
        for m, c, r, p in (("http", 8, 30.0, 200.0), ("in-process", 1, 50.0, 20.0),
                           ("http", 1, 40.0, 25.0), ("in-process", 8, 40.0, 150.0))
    ]  # fmt: skip
    rows = inprocess_markdown(runs).splitlines()[2:]
    assert rows == [
        "| in-process | 1 | 20.00 | 40.00 | 50 | 0 |",
        "| http | 1 | 25.00 | 50.00 | 40 | 0 |",
        "| in-process | 8 | 150.00 | 300.00 | 40 | 0 |",
        "| http | 8 | 200.00 | 400.00 | 30 | 0 |",
    ]

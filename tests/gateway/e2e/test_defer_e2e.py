"""`@defer` through the real server process (`python -m gateway serve`) in front of the e2e
subgraphs: the multipart stream a client reads, merged, equals the answer without `@defer`; the
first part arrives before a slow deferred part; clients without multipart get one answer."""

from __future__ import annotations

import http.client
import json
import re
import time
from typing import Any
from urllib.parse import urlsplit

from devstack.processes import Service
from tests.gateway.e2e.e2e_support import Stack
from tests.gateway.e2e.test_server_e2e import pytestmark, server  # noqa: F401 (shared fixture)
from tests.gateway.incremental.defer_support import merge_parts

MULTIPART = "multipart/mixed;deferSpec=20220824, application/json"
ME = '{ me { name ... @defer(label: "reviews") { reviews { body product { name inStock } } } } }'
LIST = """{ topProducts { name ... @defer(label: "outer") {
  reviews { body ... @defer(label: "inner") { author { name } } } } } }"""


def _without_defer(query: str) -> str:
    return re.sub(r"@defer(\([^)]*\))?", "", query)


def _post(
    service: Service, query: str, accept: str, variables: dict[str, Any] | None = None
) -> tuple[http.client.HTTPResponse, list[tuple[float, bytes]]]:
    """The response and its body as (arrival time, chunk) pairs, read as they come."""
    url = urlsplit(service.url)
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
    body = json.dumps({"query": query, "variables": variables or {}})
    connection.request(
        "POST", "/graphql", body, {"content-type": "application/json", "accept": accept}
    )
    response = connection.getresponse()
    chunks: list[tuple[float, bytes]] = []
    while chunk := response.read1(65536):
        chunks.append((time.monotonic(), chunk))
    connection.close()
    return response, chunks


def _parts(raw: bytes) -> list[dict[str, Any]]:
    """The JSON payloads of a `multipart/mixed; boundary="-"` body, checking its framing."""
    assert raw.startswith(b"\r\n---\r\n")
    assert raw.endswith(b"\r\n-----\r\n")
    pieces = re.split(rb"\r\n---(?:--)?\r\n", raw)[1:-1]
    parts = []
    for piece in pieces:
        head, _, payload = piece.partition(b"\r\n\r\n")
        assert head.lower() == b"content-type: application/json; charset=utf-8"
        parts.append(json.loads(payload))
    return parts


def _whole(service: Service, query: str, variables: dict[str, Any] | None = None) -> Any:
    response, chunks = _post(service, query, "application/json", variables)
    assert response.status == 200
    assert response.getheader("content-type", "").startswith("application/json")
    return json.loads(b"".join(c for _, c in chunks))


def test_merged_parts_equal_the_answer_without_defer(server: Service) -> None:  # noqa: F811
    for query in (ME, LIST):
        response, chunks = _post(server, query, MULTIPART)
        assert response.status == 200
        assert (
            response.getheader("content-type")
            == 'multipart/mixed; boundary="-"; deferSpec=20220824'
        )
        parts = _parts(b"".join(c for _, c in chunks))
        assert parts[0]["hasNext"] is True
        assert parts[-1]["hasNext"] is False
        assert all(p["hasNext"] for p in parts[1:-1])
        assert merge_parts(parts) == _whole(server, _without_defer(query))


def test_list_and_nested_parts_have_one_item_per_element(server: Service) -> None:  # noqa: F811
    _, chunks = _post(server, LIST, MULTIPART)
    first, outer, inner = _parts(b"".join(c for _, c in chunks))
    assert "reviews" not in first["data"]["topProducts"][0]
    products = len(first["data"]["topProducts"])
    assert [i["path"] for i in outer["incremental"]] == [
        ["topProducts", n] for n in range(products)
    ]
    assert {i["label"] for i in outer["incremental"]} == {"outer"}
    for item in inner["incremental"]:
        assert item["path"][0::2] == ["topProducts", "reviews"]
        assert set(item["data"]) == {"author"}


def test_the_first_part_arrives_before_a_slow_deferred_part(
    e2e_stack: Stack,
    server: Service,  # noqa: F811
) -> None:
    e2e_stack.set_mode("reviews", "hang")  # past the server's 2 s subgraph timeout
    try:
        started = time.monotonic()
        _, chunks = _post(server, ME, MULTIPART)
    finally:
        e2e_stack.set_mode("reviews", "ok")
    raw = b""
    first_at = None
    for at, chunk in chunks:
        raw += chunk
        if first_at is None and raw.count(b"\r\n---\r\n") >= 2:
            first_at = at
    assert first_at is not None
    assert first_at - started < 1.5
    assert chunks[-1][0] - started >= 1.9
    first, last = _parts(raw)
    assert first["data"] == {"me": {"name": "Ada Lovelace"}}
    (item,) = last["incremental"]
    assert item["path"] == ["me"]
    assert item["label"] == "reviews"
    assert item["data"] is None  # `reviews` is non-null: the null stops at the fragment
    assert item["errors"][0]["extensions"]["serviceName"] == "reviews"


def test_if_false_and_clients_without_multipart_get_one_answer(server: Service) -> None:  # noqa: F811
    query = """query ($d: Boolean!) {
      me { name ... @defer(if: $d) { reviews { body } } } }"""
    response, chunks = _post(server, query, MULTIPART, {"d": False})
    assert response.getheader("content-type", "").startswith("application/json")
    off = json.loads(b"".join(c for _, c in chunks))
    assert "hasNext" not in off
    assert off == _whole(server, query, {"d": True})
    assert off == _whole(server, "{ me { name ... { reviews { body } } } }")
    assert off["data"]["me"]["reviews"]

"""GraphQL over HTTP through a real gateway process and a real subgraph, on 127.0.0.1."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import orjson
import pytest

from devstack.processes import Service
from gateway.server.state import supergraph_hash
from tests.gateway.server.server_support import call, post_json

pytestmark = pytest.mark.integration

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
PERSON = "query P($id: ID!) { person(id: $id) { id name } }"


def test_post_query_answers_with_data(gateway: Service) -> None:
    reply = post_json(gateway.port, {"query": PERSON, "variables": {"id": "1"}}, accept=JSON)
    assert reply.status == 200
    assert reply.content_type.startswith(JSON)
    assert reply.json() == {"data": {"person": {"id": "1", "name": "Ada Lovelace"}}}


def test_accept_picks_the_media_type(gateway: Service) -> None:
    payload = {"query": "{ people { id } }"}
    modern = post_json(gateway.port, payload, accept=f"{GRAPHQL_RESPONSE}, {JSON};q=0.9")
    legacy = post_json(gateway.port, payload, accept=f"{JSON}, {GRAPHQL_RESPONSE};q=0.5")
    missing = post_json(gateway.port, payload)
    anything = post_json(gateway.port, payload, accept="*/*")
    assert modern.content_type.startswith(GRAPHQL_RESPONSE)
    assert legacy.content_type.startswith(JSON)
    # GraphQL over HTTP: without a named type the server SHOULD answer application/json.
    assert missing.content_type.startswith(JSON)
    assert anything.content_type.startswith(JSON)
    assert modern.json() == legacy.json() == {"data": {"people": [{"id": "1"}, {"id": "2"}]}}


def test_validation_error_status_depends_on_media_type(gateway: Service) -> None:
    payload = {"query": "{ people { nope } }"}
    modern = post_json(gateway.port, payload, accept=GRAPHQL_RESPONSE)
    legacy = post_json(gateway.port, payload, accept=JSON)
    assert (modern.status, legacy.status) == (400, 200)
    for reply in (modern, legacy):
        body = reply.json()
        assert "data" not in body
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, JSON])
def test_malformed_json_is_a_400_graphql_error(gateway: Service, accept: str) -> None:
    headers = {"content-type": "application/json", "accept": accept}
    reply = call(gateway.port, "POST", "/graphql", b'{"query": "{ people { id }', headers)
    assert reply.status == 400
    assert reply.content_type.startswith(accept)
    error = reply.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "not valid JSON" in error["message"]
    assert b"Traceback" not in reply.body


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({"variables": {}}, "no `query`"),
        ({"query": 42}, "must be a string"),
        ({"query": "{ people { id } }", "variables": [1]}, "must be a JSON object"),
        ([{"query": "{ people { id } }"}], "Batched"),
        ("just a string", "must be a JSON object"),
    ],
)
def test_bad_parameters_are_400(gateway: Service, payload: object, fragment: str) -> None:
    reply = post_json(gateway.port, payload, accept=JSON)
    assert reply.status == 400
    assert fragment in reply.json()["errors"][0]["message"]


def test_get_runs_queries(gateway: Service) -> None:
    query = urllib.parse.urlencode({"query": PERSON, "variables": '{"id": "2"}'})
    reply = call(gateway.port, "GET", f"/graphql?{query}", headers={"accept": JSON})
    assert reply.status == 200
    assert reply.json() == {"data": {"person": {"id": "2", "name": "Grace Hopper"}}}
    assert reply.headers["vary"] == "accept"


def test_get_never_runs_mutations(gateway: Service) -> None:
    mutation = 'mutation { rename(id: "2", name: "Mallory") { name } }'
    query = urllib.parse.urlencode({"query": mutation})
    for accept in (GRAPHQL_RESPONSE, JSON):
        reply = call(gateway.port, "GET", f"/graphql?{query}", headers={"accept": accept})
        assert reply.status == 405
        assert reply.headers["allow"] == "POST"
        assert reply.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    after = post_json(gateway.port, {"query": '{ person(id: "2") { name } }'}, accept=JSON)
    assert after.json() == {"data": {"person": {"name": "Grace Hopper"}}}


def test_post_runs_mutations(gateway: Service) -> None:
    mutation = 'mutation { rename(id: "1", name: "Ada King") { id name } }'
    reply = post_json(gateway.port, {"query": mutation}, accept=JSON)
    assert reply.json() == {"data": {"rename": {"id": "1", "name": "Ada King"}}}
    restore = 'mutation { rename(id: "1", name: "Ada Lovelace") { id } }'
    assert post_json(gateway.port, {"query": restore}, accept=JSON).status == 200


def test_bad_get_variables_are_400(gateway: Service) -> None:
    query = urllib.parse.urlencode({"query": PERSON, "variables": "{not json"})
    reply = call(gateway.port, "GET", f"/graphql?{query}", headers={"accept": JSON})
    assert reply.status == 400
    assert "`variables` parameter is not valid JSON" in reply.json()["errors"][0]["message"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_unsupported_content_type_is_415(gateway: Service, content_type: str | None) -> None:
    headers = {"accept": JSON}
    if content_type is not None:
        headers["content-type"] = content_type
    reply = call(gateway.port, "POST", "/graphql", b'{"query": "{ people { id } }"}', headers)
    assert reply.status == 415
    assert reply.json()["errors"][0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


def test_unacceptable_accept_is_406(gateway: Service) -> None:
    reply = post_json(gateway.port, {"query": "{ people { id } }"}, accept="application/xml")
    assert reply.status == 406
    assert reply.json()["errors"][0]["extensions"]["code"] == "NOT_ACCEPTABLE"


def test_other_methods_are_405(gateway: Service) -> None:
    reply = call(gateway.port, "PUT", "/graphql", b"{}", {"content-type": "application/json"})
    assert reply.status == 405
    assert reply.headers["allow"] == "GET, POST"
    assert reply.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


def test_body_over_the_limit_is_413(gateway: Service) -> None:
    padding = "#" * 2_100_000
    reply = post_json(gateway.port, {"query": f"{padding}\n{{ people {{ id }} }}"}, accept=JSON)
    assert reply.status == 413
    assert reply.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


def test_plan_header_returns_the_query_plan(gateway: Service) -> None:
    headers = {"apollo-query-plan-experimental": "1"}
    reply = post_json(gateway.port, {"query": "{ people { name } }"}, accept=JSON, headers=headers)
    extensions = reply.json()["extensions"]
    assert extensions["queryPlan"]["node"]["kind"] == "Fetch"
    assert extensions["queryPlan"]["node"]["serviceName"] == "people"
    assert 'Fetch(service: "people")' in extensions["queryPlanText"]
    plain = post_json(gateway.port, {"query": "{ people { name } }"}, accept=JSON)
    assert "extensions" not in plain.json()


def test_configured_headers_are_forwarded_and_others_are_not(gateway: Service) -> None:
    query = '{ a: header(name: "authorization") b: header(name: "x-secret") }'
    headers = {"authorization": "Bearer abc", "x-secret": "s3"}
    reply = post_json(gateway.port, {"query": query}, accept=JSON, headers=headers)
    assert reply.json() == {"data": {"a": "Bearer abc", "b": None}}


def test_health_and_ready(gateway: Service, supergraph_file: Path) -> None:
    health = call(gateway.port, "GET", "/health")
    ready = call(gateway.port, "GET", "/ready")
    assert (health.status, health.json()) == (200, {"status": "ok"})
    served = supergraph_hash(supergraph_file.read_text(encoding="utf-8"))
    expected = {"status": "ready", "supergraph": served, "subgraphs": ["people"]}
    assert (ready.status, ready.json()) == (200, expected)
    answer = post_json(gateway.port, {"query": "{ people { id } }"})
    assert answer.headers["x-supergraph-hash"] == served


def test_browsers_get_graphiql_with_local_assets(gateway: Service) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = call(gateway.port, "GET", "/graphql", headers={"accept": accept})
    assert page.status == 200
    assert page.content_type.startswith("text/html")
    html = page.body.decode()
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html
    assert "query PersonById" in html
    assert "connect-src 'self'" in page.headers["content-security-policy"]
    for asset in ("graphiql.min.js", "graphiql.min.css", "react.production.min.js"):
        served = call(gateway.port, "GET", f"/graphiql-assets/{asset}")
        assert served.status == 200, asset
        assert len(served.body) > 1000
    assert call(gateway.port, "GET", "/graphiql-assets/..%2F..%2Fpyproject.toml").status == 404


def test_introspection_answers_for_schema_docs(gateway: Service) -> None:
    query = '{ __schema { queryType { name } } __type(name: "Person") { fields { name } } }'
    reply = post_json(gateway.port, {"query": query}, accept=JSON)
    data = reply.json()["data"]
    assert data["__schema"]["queryType"]["name"] == "Query"
    assert {f["name"] for f in data["__type"]["fields"]} == {"id", "name"}


def test_subgraph_errors_are_graphql_errors_not_500(gateway: Service) -> None:
    body = orjson.dumps({"query": "{ boom people { id } }"})
    headers = {"content-type": "application/json", "accept": GRAPHQL_RESPONSE}
    reply = call(gateway.port, "POST", "/graphql", body, headers)
    assert reply.status == 200
    answer = reply.json()
    assert answer["data"] == {"boom": None, "people": [{"id": "1"}, {"id": "2"}]}
    assert "failed on purpose" in answer["errors"][0]["message"]
    assert answer["errors"][0]["path"] == ["boom"]


def test_root_sends_browsers_to_graphiql(gateway: Service) -> None:
    reply = call(gateway.port, "GET", "/", headers={"accept": "text/html"})
    assert reply.status == 307
    assert reply.headers["location"] == "/graphql"

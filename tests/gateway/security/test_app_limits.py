"""Per-app limits and client awareness with real tokens: the app a token names (`azp`) wins
over the client-name header, one app's request budget is shared by two replicas through a
real `redis-server`, an app's own cost cap refuses what another app may run, and an app with
trusted documents runs those alone."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest

from devstack.processes import Service
from devstack.redis_server import RedisServer
from gateway.telemetry.usage_report import read_usage
from tests.gateway.security.security_support import (
    AUDIENCE,
    ISSUER,
    JSON,
    SigningKey,
    Stack,
    call,
    gql,
    launch_gateway,
)

pytestmark = pytest.mark.integration

COSTLY = "{ me { stickers { id } } }"
"""Cost 11 without cost directives: `me` 1, a list of the default 10 `stickers`."""
TRUSTED = "query Typename { __typename }"


@pytest.fixture(scope="module")
def replicas(security_stack: Stack) -> Iterator[tuple[Service, Service]]:
    manifest = security_stack.log_dir / "listed-app-manifest.json"
    manifest.write_text(json.dumps({"operations": [{"id": "typename-v1", "body": TRUSTED}]}))
    redis = RedisServer(security_stack.log_dir / "redis-apps.log").start()
    settings = {
        "GATEWAY_AUTH_JWKS_URL": security_stack.jwks_url,
        "GATEWAY_AUTH_ISSUER": ISSUER,
        "GATEWAY_AUTH_AUDIENCE": AUDIENCE,
        "GATEWAY_REDIS_URL": redis.url,
        "GATEWAY_RATE_LIMIT_WINDOW": "3600",
        "GATEWAY_APP_REQUESTS_PARTNER_APP": "3",
        "GATEWAY_APP_MAX_COST_CHEAP_APP": "5",
        "GATEWAY_APP_COST_BUDGET_BUDGET_APP": "15",
        "GATEWAY_METRICS_ENABLED": "true",
        "GATEWAY_APP_MANIFEST_LISTED_APP": str(manifest),
    }
    try:
        first = launch_gateway(security_stack, "apps-1", settings)
        try:
            second = launch_gateway(security_stack, "apps-2", settings)
            try:
                yield first, second
            finally:
                second.stop()
        finally:
            first.stop()
    finally:
        redis.stop()


def test_the_token_app_has_one_budget_across_replicas(
    replicas: tuple[Service, Service], security_stack: Stack
) -> None:
    key = SigningKey.load(security_stack)
    partner = key.token("person-1", azp="partner-app")
    spoofing = {"apollographql-client-name": "web"}  # the token's app wins over the header
    answers = [
        gql(replicas[i % 2], "{ __typename }", token=partner, headers=spoofing) for i in range(4)
    ]
    assert [a.status for a in answers] == [200, 200, 200, 429]
    assert answers[3].codes == ["RATE_LIMITED"]
    assert "app partner-app" in answers[3].body["errors"][0]["message"]
    other = key.token("person-1", azp="other-app")  # the same person through another app
    assert gql(replicas[0], "{ __typename }", token=other).status == 200

    with urllib.request.urlopen(f"{replicas[0].url}/metrics", timeout=30) as response:
        usage = read_usage(response.read().decode())
    assert sum(usage["partner-app"].operations.values()) == 2  # replica 1 saw requests 1 and 3
    assert "web" not in usage
    assert sum(usage["other-app"].operations.values()) == 1


def test_an_app_cost_cap_refuses_what_others_may_run(
    replicas: tuple[Service, Service], security_stack: Stack
) -> None:
    key = SigningKey.load(security_stack)
    cheap = gql(replicas[0], COSTLY, token=key.token("person-2", azp="cheap-app"))
    assert cheap.codes == ["COST_LIMIT_EXCEEDED"]
    assert "the limit is 5" in cheap.body["errors"][0]["message"]
    other = gql(replicas[0], COSTLY, token=key.token("person-2", azp="other-app"))
    assert "COST_LIMIT_EXCEEDED" not in other.codes
    assert gql(replicas[0], "{ me { id } }", token=key.token("p", azp="cheap-app")).codes != [
        "COST_LIMIT_EXCEEDED"
    ]


def test_an_app_cost_budget_is_spent_by_estimated_costs(
    replicas: tuple[Service, Service], security_stack: Stack
) -> None:
    key = SigningKey.load(security_stack)
    spender = key.token("person-4", azp="budget-app")
    first = gql(replicas[0], COSTLY, token=spender)  # 11 of 15
    assert "RATE_LIMITED" not in first.codes, first.body
    assert gql(replicas[1], "{ __typename }", token=spender).status == 200  # cost 0
    second = gql(replicas[1], COSTLY, token=spender)  # 22: over, on the other replica too
    assert second.status == 429, second.body
    assert second.codes == ["RATE_LIMITED"]
    assert "cost budget" in second.body["errors"][0]["message"]


def test_an_app_with_trusted_documents_runs_those_alone(
    replicas: tuple[Service, Service], security_stack: Stack
) -> None:
    key = SigningKey.load(security_stack)
    listed = key.token("person-3", azp="listed-app")
    by_id = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "typename-v1"}}}
    headers = {"content-type": JSON, "accept": JSON, "authorization": f"Bearer {listed}"}
    reply = call(f"{replicas[0].url}/graphql", body=json.dumps(by_id).encode(), headers=headers)
    assert reply.body == {"data": {"__typename": "Query"}}
    assert gql(replicas[0], TRUSTED, token=listed).body == {"data": {"__typename": "Query"}}
    refused = gql(replicas[0], "{ __typename }", token=listed)
    assert refused.codes == ["QUERY_NOT_IN_SAFELIST"]
    assert "listed-app" in refused.body["errors"][0]["message"]
    other = gql(replicas[0], "{ __typename }", token=key.token("person-3", azp="other-app"))
    assert other.body == {"data": {"__typename": "Query"}}  # other apps are not held to it

"""Subgraph policies from the settings: per-subgraph values, the sections' defaults, and a
policy kept (breaker and budget with it) across a reload that does not change it."""

from __future__ import annotations

from gateway.config import load_config
from gateway.server.state import ServingState, subgraph_policy
from gateway.supergraph import Supergraph, load_supergraph
from tests.gateway.server.server_support import people_supergraph


def test_the_policy_reads_the_subgraphs_settings_and_the_sections() -> None:
    config = load_config(
        environ={
            "GATEWAY_SUBGRAPH_CONNECT_TIMEOUT_PEOPLE": "0.5",
            "GATEWAY_SUBGRAPH_MAX_CONNECTIONS_PEOPLE": "7",
            "GATEWAY_SUBGRAPH_TIMEOUT_PEOPLE": "3",
            "GATEWAY_BREAKER_COOLDOWN": "9",
            "GATEWAY_RETRY_BUDGET_PERCENT": "10",
        }
    )
    policy = subgraph_policy(config, "people")
    assert (policy.timeout, policy.connect_timeout, policy.max_connections) == (3.0, 0.5, 7)
    assert (policy.breaker.cooldown, policy.breaker.consecutive_failures) == (9.0, 5)
    assert (policy.retry.budget_ratio, policy.retry.max_retries) == (0.1, 2)
    other = subgraph_policy(config, "moods")
    assert (other.timeout, other.connect_timeout, other.max_connections) == (30.0, 2.0, 256)


def test_a_reload_keeps_an_unchanged_policy_object() -> None:
    state = ServingState(load_config(environ={}))
    for port in (1, 2):
        loaded = load_supergraph(people_supergraph(f"http://127.0.0.1:{port}/graphql"))
        assert isinstance(loaded, Supergraph)
        state.install(loaded)
        if port == 1:
            first = state._policies["people"]
    assert state._policies["people"] is first  # the breaker's state lives on

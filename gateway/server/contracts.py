"""Serving contracts: each `contracts.<name>.path` answers with that contract's API schema.

A contract is served by a `ServingState` of its own, sharing the main one's transport (one
connection pool, one set of breakers) and fed by it: each supergraph the main state installs
(at start-up, on a file reload, on a recomposition) is filtered by the contract and installed
there, so the contract always follows the served graph. Its own `GraphQLEndpoint` validates and
introspects against the contract's API schema, so a hidden field is unknown there
(GRAPHQL_VALIDATION_FAILED) while the plan is the full graph's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial

from gateway.config import Config, ConfigError
from gateway.contracts import Contract, contract_from_settings, contract_supergraph
from gateway.server.state import ServingState
from gateway.supergraph import Supergraph, SupergraphProblems

__all__ = ["ServedContract", "check_contracts", "serve_contracts"]

log = logging.getLogger("gateway.server")


@dataclass(frozen=True, slots=True, kw_only=True)
class ServedContract:
    """One contract the app serves: its name, path and state."""

    name: str
    path: str
    state: ServingState


def _install(state: ServingState, name: str, contract: Contract, supergraph: Supergraph) -> None:
    built = contract_supergraph(supergraph, contract)
    if isinstance(built, SupergraphProblems):
        reason = f"contract {name} cannot be built from the supergraph: {built}"
        state.not_ready_reason = reason
        if state.gateway is not None:
            state.refused(reason)  # the contract keeps serving its last good schema
        log.error("%s", reason)
        return
    state.install(built)


def serve_contracts(config: Config, main: ServingState) -> tuple[ServedContract, ...]:
    """A state per contract with a `path`, installed from now on whenever `main` installs.

    Call before `main` installs its first supergraph."""
    served = []
    for key, settings in sorted(config.contracts.items()):
        if settings.path is None:
            continue
        if settings.path == config.server.graphql_path:
            raise ConfigError(f"contracts.{key.lower()}.path: the GraphQL path already serves")
        name = key.lower()
        state = ServingState(config, main.transport)
        state.not_ready_reason = f"contract {name} is not built yet"
        main.listeners.append(partial(_install, state, name, contract_from_settings(settings)))
        served.append(ServedContract(name=name, path=settings.path, state=state))
    return tuple(served)


def check_contracts(served: tuple[ServedContract, ...]) -> None:
    """At start-up with a supergraph file: a contract that cannot be built stops the start."""
    for contract in served:
        if contract.state.gateway is None:
            raise ConfigError(contract.state.not_ready_reason)

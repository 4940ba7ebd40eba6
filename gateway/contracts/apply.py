"""The contracts stage's entry: a supergraph and a `Contract` in, the contract supergraph out."""

from __future__ import annotations

from graphql import parse, print_ast

from gateway.config import ContractSettings
from gateway.supergraph import (
    Supergraph,
    SupergraphProblem,
    SupergraphProblems,
    load_supergraph,
)

from .mark import mark_hidden
from .select import Contract, hidden_elements

__all__ = ["contract_from_settings", "contract_sdl", "contract_supergraph"]


def contract_supergraph(
    supergraph: Supergraph, contract: Contract
) -> Supergraph | SupergraphProblems:
    """The supergraph `contract` leaves, loaded (its SDL is `.sdl`), or why it cannot stand."""
    hidden = hidden_elements(supergraph.schema, supergraph.links, contract)
    query = supergraph.root_types.get("query", "Query")
    if query in hidden:
        message = "the contract leaves no Query field (check its include and exclude tags)"
        problem = SupergraphProblem(code="CONTRACT_EMPTY", message=message)
        return SupergraphProblems(problems=(problem,))
    feature = supergraph.links.get("inaccessible")
    inaccessible = feature.directive("inaccessible") if feature is not None else None
    document = mark_hidden(parse(supergraph.sdl), hidden, inaccessible)
    return load_supergraph(print_ast(document) + "\n")


def contract_from_settings(settings: ContractSettings) -> Contract:
    """The `Contract` that `contracts.<name>` declares."""
    return Contract(
        include=frozenset(settings.include),
        exclude=frozenset(settings.exclude),
        hide_unreachable_types=settings.hide_unreachable_types,
    )


def contract_sdl(supergraph_sdl: str, settings: ContractSettings) -> str | SupergraphProblems:
    """The contract supergraph's SDL (`gateway compose --contract`), or why there is none."""
    loaded = load_supergraph(supergraph_sdl)
    if isinstance(loaded, SupergraphProblems):
        return loaded
    contract = contract_supergraph(loaded, contract_from_settings(settings))
    return contract if isinstance(contract, SupergraphProblems) else contract.sdl

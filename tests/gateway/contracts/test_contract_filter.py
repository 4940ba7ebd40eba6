"""A contract supergraph: `@tag` filters, what they leave invalid, unreachable types."""

from __future__ import annotations

from graphql import print_schema

from gateway.composition import CompositionFailure, SubgraphSource, compose
from gateway.contracts import Contract, contract_supergraph
from gateway.supergraph import Supergraph, SupergraphProblems, load_supergraph
from tests.gateway.contracts import tagged_subgraph

PARTNER = Contract(include=frozenset({"partner"}), exclude=frozenset({"internal"}))


def tagged_supergraph(url: str = "http://127.0.0.1:1/graphql") -> str:
    """The tagged subgraph's supergraph, composed by our composer."""
    source = SubgraphSource(name="people", routing_url=url, sdl=tagged_subgraph.schema.as_str())
    result = compose([source])
    assert not isinstance(result, CompositionFailure), str(result)
    return result.supergraph_sdl


def _load(sdl: str) -> Supergraph:
    loaded = load_supergraph(sdl)
    assert isinstance(loaded, Supergraph), str(loaded)
    return loaded


def _api(supergraph: Supergraph | SupergraphProblems) -> str:
    assert isinstance(supergraph, Supergraph), str(supergraph)
    return print_schema(supergraph.api_schema)


def test_a_partner_contract_keeps_only_partner_fields() -> None:
    full = _load(tagged_supergraph())
    assert "people: [Person!]!" in _api(full)  # the full graph shows everything
    contract = contract_supergraph(full, PARTNER)
    assert isinstance(contract, Supergraph)
    assert _api(contract) == (  # tags are link machinery: the API schema drops them
        "directive @defer(label: String, if: Boolean! = true) on FRAGMENT_SPREAD | "
        "INLINE_FRAGMENT\n\n"
        "type Person {\n"
        "  id: ID!\n"
        "  name: String!\n"
        "}\n\n"
        "type Query {\n"
        "  person(id: ID!): Person\n"
        "}"
    )
    assert '"partner"' in contract.sdl  # the contract supergraph keeps them, for what follows
    # The join directives are untouched: the contract plans as the full graph does.
    assert contract.subgraphs.keys() == full.subgraphs.keys()
    assert contract.types["Person"].keys == full.types["Person"].keys


def test_exclude_alone_keeps_untagged_fields() -> None:
    contract = contract_supergraph(
        _load(tagged_supergraph()), Contract(exclude=frozenset({"internal"}))
    )
    api = _api(contract)
    assert "people: [Person!]!" in api
    assert "forget(id: ID!): Boolean!" in api
    assert "email" not in api


def test_unreachable_types_stay_when_asked() -> None:
    without_audit = Contract(exclude=frozenset({"internal"}), hide_unreachable_types=False)
    audit = "  audit: [AuditEntry!]!"
    sdl = tagged_supergraph().replace(audit, f'{audit} @tag(name: "internal")')
    full = _load(sdl)
    assert "type AuditEntry" in _api(contract_supergraph(full, without_audit))
    hiding = Contract(exclude=frozenset({"internal"}))
    assert "type AuditEntry" not in _api(contract_supergraph(full, hiding))


def test_a_contract_without_query_fields_is_a_problem() -> None:
    empty = contract_supergraph(_load(tagged_supergraph()), Contract(include=frozenset({"nobody"})))
    assert isinstance(empty, SupergraphProblems)
    assert [p.code for p in empty.problems] == ["CONTRACT_EMPTY"]

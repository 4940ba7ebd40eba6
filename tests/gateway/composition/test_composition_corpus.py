"""Every fixture set, composed by us and by @theguild/federation-composition, must agree.

Valid sets: the same API schema and the same join information once normalised, and
@apollo/gateway loads our supergraph. Broken sets: both composers reject them, ours with the
expected Apollo error code.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from gateway.composition import CompositionFailure, CompositionSuccess, compose
from tests.gateway.composition.composition_support import (
    api_schema,
    carried_info,
    expected_codes,
    fixture_sets,
    gateway_load,
    join_info,
    load_set,
    public_schema,
    run_reference,
)

pytestmark = pytest.mark.node

SETS = fixture_sets()
# Sets where we deliberately differ from the reference, and why.
IGNORE_FIELD_TYPES = {
    # The reference omits @join__field when a subgraph returns a subtype (`Book` for `Media`);
    # Apollo's composition writes `type:` for every graph once the types differ, and so do we.
    "field-type-subtypes",
    # Likewise for interface fields whose nullability differs between subgraphs (Apollo's
    # `needsJoinField` treats object, interface and input fields alike).
    "interface-field-types-differ",
}
VALID = [s for s in SETS if expected_codes(s) is None]
BROKEN = [s for s in SETS if expected_codes(s) is not None]


@pytest.fixture(scope="module")
def reference() -> dict[str, dict[str, Any]]:
    return run_reference({name: load_set(name) for name in SETS})


def test_corpus_is_large_enough() -> None:
    assert len(SETS) >= 40
    assert len(BROKEN) >= 7


@pytest.mark.parametrize("name", VALID)
def test_valid_set_matches_reference(name: str, reference: dict[str, dict[str, Any]]) -> None:
    ours = compose(load_set(name))
    theirs = reference[name]
    assert theirs["ok"], f"reference rejected a set meant to be valid: {theirs['errors']}"
    assert isinstance(ours, CompositionSuccess), str(ours)
    assert api_schema(ours.supergraph_sdl) == api_schema(theirs["supergraphSdl"])
    assert api_schema(ours.supergraph_sdl) == public_schema(theirs["publicSdl"])
    ours_join, theirs_join = join_info(ours.supergraph_sdl), join_info(theirs["supergraphSdl"])
    if name in IGNORE_FIELD_TYPES:
        for info in (ours_join, theirs_join):
            info["fields"] = {f[:-1] for f in info["fields"]}
    for kind in theirs_join:
        assert ours_join[kind] == theirs_join[kind], kind
    assert carried_info(ours.supergraph_sdl) == carried_info(theirs["supergraphSdl"])


@pytest.mark.parametrize("name", BROKEN)
def test_broken_set_is_rejected_by_both(name: str, reference: dict[str, dict[str, Any]]) -> None:
    ours = compose(load_set(name))
    assert not reference[name]["ok"], "the reference composer accepted a set meant to be broken"
    assert isinstance(ours, CompositionFailure)
    codes = {error.code for error in ours.errors}
    for code in expected_codes(name) or ():
        assert code in codes, str(ours)
    for error in ours.errors:
        assert error.locations, f"no location: {error}"
        assert error.locations[0].subgraph, f"no subgraph named: {error}"


_UNSUPPORTED = re.compile(r"feature (\S+) is for: SECURITY but is unsupported")
_ROUTER_ONLY = {  # Apollo Router executes these; @apollo/gateway refuses to load them
    "https://specs.apollo.dev/context/v0.1",
    "https://specs.apollo.dev/authenticated/v0.1",
    "https://specs.apollo.dev/requiresScopes/v0.1",
    "https://specs.apollo.dev/policy/v0.1",
}


@pytest.fixture(scope="module")
def apollo_loads(reference: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """@apollo/gateway's verdict on our supergraph and the reference's, for every valid set."""
    supergraphs: dict[str, str] = {}
    for name in VALID:
        ours = compose(load_set(name))
        if isinstance(ours, CompositionSuccess):
            supergraphs[f"ours:{name}"] = ours.supergraph_sdl
        if reference[name]["ok"]:
            supergraphs[f"theirs:{name}"] = reference[name]["supergraphSdl"]
    return gateway_load(supergraphs)


@pytest.mark.parametrize("name", VALID)
def test_apollo_gateway_loads_our_supergraph(
    name: str, apollo_loads: dict[str, dict[str, Any]]
) -> None:
    """@apollo/gateway loads it; it refuses only the router-only security specs, like the peer's."""
    loaded = apollo_loads.get(f"ours:{name}")
    assert loaded is not None, "we did not compose this set"
    if loaded["ok"]:
        return
    refused = set(_UNSUPPORTED.findall(loaded.get("error", "")))
    assert refused, loaded
    assert refused <= _ROUTER_ONLY, loaded
    peer = apollo_loads[f"theirs:{name}"]
    assert set(_UNSUPPORTED.findall(peer.get("error", ""))) == refused, peer

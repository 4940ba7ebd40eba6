"""A supergraph whose join spec is linked `as: "j"` and whose authorization directives are
imported under other names plans and authorizes exactly like the plain one."""

from __future__ import annotations

import re
from pathlib import Path

from gateway.config.security import AuthorizationConfig
from gateway.operation import PreparedOperation, prepare_operation
from gateway.planner import build_query_plan, print_plan
from gateway.security.authentication import ANONYMOUS, Claims
from gateway.security.directives import read_requirements
from gateway.security.policy import Authorizer
from gateway.supergraph import Supergraph, load_supergraph

ROOT = Path(__file__).resolve().parents[3]
PLAIN = (ROOT / "schema" / "supergraph.graphql").read_text()
QUERIES = (
    "{ me { id displayName whatsapp { id } } }",
    "query P($id: ID!) { person(id: $id) { id displayName } }",
    "{ me { facebook { id } instagram { id } } }",
)


def renamed_sdl(plain: str = PLAIN) -> str:
    """A supergraph with `join` as `j` and `@auth`/`@scopes`/`@rule` imported renamed."""
    sdl = re.sub(r"\bjoin__", "j__", plain)
    sdl = re.sub(r"@authenticated\b", "@auth", sdl)
    sdl = re.sub(r"@requiresScopes\b", "@scopes", sdl)
    sdl = re.sub(r"@policy\b", "@rule", sdl)
    sdl = sdl.replace(
        '@link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)',
        '@link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY,'
        ' import: [{name: "@policy", as: "@rule"}])',
    )
    sdl = sdl.replace(
        '@link(url: "https://specs.apollo.dev/join/v0.5", for: EXECUTION)',
        '@link(url: "https://specs.apollo.dev/join/v0.5", as: "j", for: EXECUTION)',
    )
    sdl = sdl.replace(
        '@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)',
        '@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY,'
        ' import: [{name: "@authenticated", as: "@auth"}])',
    )
    return sdl.replace(
        '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)',
        '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY,'
        ' import: [{name: "@requiresScopes", as: "@scopes"}])',
    )


def load(sdl: str) -> Supergraph:
    loaded = load_supergraph(sdl)
    assert isinstance(loaded, Supergraph), str(loaded)
    return loaded


def prepared(graph: Supergraph, query: str) -> PreparedOperation:
    found = prepare_operation(graph.api_schema, query, None)
    assert isinstance(found, PreparedOperation), found
    return found


def test_the_renamed_copy_really_renames() -> None:
    sdl = renamed_sdl()
    assert "join__" not in sdl
    assert sdl.count("@authenticated") == 1  # the import
    assert "@requiresScopes(" not in sdl
    assert sdl.count("@auth") > 1


def test_renamed_supergraph_plans_the_same() -> None:
    plain, renamed = load(PLAIN), load(renamed_sdl())
    assert set(plain.subgraphs) == set(renamed.subgraphs)
    for query in QUERIES:
        ours = print_plan(build_query_plan(renamed, prepared(renamed, query)))
        theirs = print_plan(build_query_plan(plain, prepared(plain, query)))
        assert ours == theirs, query


def test_renamed_supergraph_authorizes_the_same() -> None:
    plain, renamed = load(PLAIN), load(renamed_sdl())
    assert read_requirements(renamed) == read_requirements(plain)
    assert read_requirements(renamed)[("Query", "me")].authenticated
    signed_in = Claims(values={"sub": "p1", "scope": "people:read"})
    for claims in (ANONYMOUS, signed_in):
        plain_allowed = Authorizer(AuthorizationConfig()).allowed(plain, claims)
        renamed_allowed = Authorizer(AuthorizationConfig()).allowed(renamed, claims)
        for field in read_requirements(plain):
            assert plain_allowed(*field) == renamed_allowed(*field), (field, claims)

"""Helpers for the composition tests: the fixture corpus, the reference composer, normalisation.

Two supergraphs are compared by what matters to a gateway: the API schema (printed sorted) and
the join information as sets of tuples, with implicit `@join__field`s made explicit, so that
differences in layout or in when a redundant directive is printed do not count.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from graphql import (
    DefinitionNode,
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    NameNode,
    SchemaDefinitionNode,
    TypeDefinitionNode,
    UnionTypeDefinitionNode,
    Visitor,
    build_ast_schema,
    lexicographic_sort_schema,
    parse,
    print_schema,
    value_from_ast_untyped,
    visit,
)

from gateway.composition import SubgraphSource
from gateway.supergraph.links import read_links

__all__ = [
    "FIXTURES",
    "ROOT",
    "api_schema",
    "carried_info",
    "expected_codes",
    "fixture_sets",
    "gateway_load",
    "join_info",
    "load_set",
    "public_schema",
    "run_reference",
]

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures" / "composition"
NODE_MODULES = ROOT / ".cache" / "npm" / "node_modules"
# `@context`/`@fromContext` came to the reference composer after 0.20 (the dev tools' pin); the
# peer-gateway tools carry a newer one (0.26), which composes the `context-` sets.
CONTEXT_NODE_MODULES = ROOT / ".cache" / "bench-npm" / "node_modules"
_SPEC_PREFIXES = ("join__", "link__", "policy__", "requiresScopes__", "context__")
_KEPT = {"deprecated", "specifiedBy"}
_CARRIED = {"tag", "inaccessible", "authenticated", "requiresScopes", "policy", "cost", "listSize"}


def fixture_sets() -> list[str]:
    return sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


def load_set(name: str) -> list[SubgraphSource]:
    return [
        SubgraphSource(
            name=f.stem, routing_url=f"http://127.0.0.1:4000/{f.stem}", sdl=f.read_text()
        )
        for f in sorted((FIXTURES / name).glob("*.graphql"))
    ]


def expected_codes(name: str) -> list[str] | None:
    """The error codes a broken set must produce, or None for a set that must compose."""
    path = FIXTURES / name / "expected.json"
    if not path.exists():
        return None
    codes: list[str] = json.loads(path.read_text())["codes"]
    return codes


def _node(script: str, payload: str, modules: Path = NODE_MODULES) -> Any:
    env = {**os.environ, "NODE_PATH": str(modules)}
    completed = subprocess.run(
        ["node", str(ROOT / "tools" / "npm" / script)],
        input=payload,
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=240,
    )
    return json.loads(completed.stdout)


_NEWER_FEDERATION = re.compile(r"(https://specs\.apollo\.dev/federation/)v2\.1\d\b")


def _for_reference(sdl: str) -> str:
    """The reference composer (0.20) knows federation up to v2.9 (Strawberry prints v2.11 by
    default); v2.10 and v2.11 add no directive that composition reads, so links to them are sent
    as v2.9. A subgraph that used a newer directive would still be rejected by the reference."""
    return _NEWER_FEDERATION.sub(r"\1v2.9", sdl)


# @theguild/federation-composition does not read a federation `@link` renamed with `as:`
# (`@fed__key`: "Unknown directive"), nor Federation 2.12's `@cacheTag`; sets that use one are
# composed by @apollo/composition.
_FEDERATION_AS = re.compile(r"specs\.apollo\.dev/federation/v[\d.]+\"\s*,\s*as:")


def _apollo_only(sources: list[SubgraphSource]) -> bool:
    return any(_FEDERATION_AS.search(s.sdl) or "@cacheTag" in s.sdl for s in sources)


def _newer_only(name: str, sources: list[SubgraphSource]) -> bool:
    """Sets the 0.20 reference cannot read: `@context` sets, and `@listSize(sizedFields:)`
    (0.20 refuses sized fields that are lists, saying they are "not an integer")."""
    return "context" in name or any("sizedFields" in s.sdl for s in sources)


def run_reference(sets: dict[str, list[SubgraphSource]]) -> dict[str, dict[str, Any]]:
    """Compose each set with @theguild/federation-composition (one node process per version),
    or with @apollo/composition where the Guild's composer cannot read the set."""
    result: dict[str, dict[str, Any]] = {}
    apollo = {n: s for n, s in sets.items() if _apollo_only(s)}
    guild = {n: s for n, s in sets.items() if n not in apollo}
    for modules, chosen, script in (
        (NODE_MODULES, {n: s for n, s in guild.items() if not _newer_only(n, s)}, "compose.mjs"),
        (
            CONTEXT_NODE_MODULES,
            {n: s for n, s in guild.items() if _newer_only(n, s)},
            "compose.mjs",
        ),
        (NODE_MODULES, apollo, "apollo-compose.mjs"),
    ):
        if not chosen:
            continue
        assert (modules / "@theguild" / "federation-composition").exists(), (
            f"{modules} lacks @theguild/federation-composition (`make peers` installs the one "
            "the context sets need)"
        )
        payload = {
            "sets": {
                name: [
                    {
                        "name": s.name,
                        "url": s.routing_url,
                        "sdl": s.sdl if script == "apollo-compose.mjs" else _for_reference(s.sdl),
                    }
                    for s in sources
                ]
                for name, sources in chosen.items()
            }
        }
        result.update(_node(script, json.dumps(payload), modules))
    return result


def gateway_load(supergraphs: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Load each supergraph into @apollo/gateway (one node process) and report what it said."""
    result: dict[str, dict[str, Any]] = _node(
        "gateway-load.mjs", json.dumps({"supergraphs": supergraphs})
    )
    return result


def _has(directives: Iterable[DirectiveNode] | None, name: str) -> bool:
    return any(d.name.value == name for d in directives or ())


def _strip(definition: DefinitionNode) -> DefinitionNode | None:
    """Drop inaccessible parts and every directive but the built-in ones from one definition."""
    if isinstance(definition, DirectiveDefinitionNode | SchemaDefinitionNode):
        return None
    if not isinstance(definition, TypeDefinitionNode):
        return definition
    if definition.name.value.startswith(_SPEC_PREFIXES) or _has(
        definition.directives, "inaccessible"
    ):
        return None
    keep = [d for d in definition.directives or () if d.name.value in _KEPT]
    changes: dict[str, Any] = {"directives": tuple(keep)}
    for attr in ("fields", "values"):
        children = getattr(definition, attr, None)
        if children is not None:
            changes[attr] = tuple(
                _strip_child(c) for c in children if not _has(c.directives, "inaccessible")
            )
    return definition.__class__(
        **{**{k: getattr(definition, k) for k in definition.keys}, **changes}
    )


def _strip_child(node: Any) -> Any:
    keep = tuple(d for d in node.directives or () if d.name.value in _KEPT)
    changes: dict[str, Any] = {"directives": keep}
    if getattr(node, "arguments", None) is not None:
        changes["arguments"] = tuple(
            _strip_child(a) for a in node.arguments if not _has(a.directives, "inaccessible")
        )
    return node.__class__(**{**{k: getattr(node, k) for k in node.keys}, **changes})


def api_schema(supergraph_sdl: str) -> str:
    """The API schema of a supergraph, printed in a canonical (sorted) form."""
    document = _canonicalise(parse(supergraph_sdl, no_location=True))
    kept = [d for d in (_strip(d) for d in document.definitions) if d is not None]
    names = {d.name.value for d in kept if isinstance(d, TypeDefinitionNode)}
    kept = [
        d.__class__(
            **{
                **{k: getattr(d, k) for k in d.keys},
                "types": tuple(t for t in d.types if t.name.value in names),
            }
        )
        if isinstance(d, UnionTypeDefinitionNode)
        else d
        for d in kept
    ]
    schema = build_ast_schema(DocumentNode(definitions=tuple(kept)))
    return print_schema(lexicographic_sort_schema(schema))


def public_schema(public_sdl: str) -> str:
    """An API schema SDL as a peer printed it, in the same canonical form as `api_schema`."""
    document = parse(public_sdl, no_location=True)
    kept = tuple(d for d in document.definitions if not isinstance(d, DirectiveDefinitionNode))
    schema = build_ast_schema(DocumentNode(definitions=kept), assume_valid_sdl=True)
    return print_schema(lexicographic_sort_schema(schema))


def _args(directive: DirectiveNode) -> dict[str, Any]:
    return {a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments or ()}


def _fieldset(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return re.sub(r"\s*([{}])\s*", r"\1", re.sub(r"\s+", " ", value)).strip()


def _graph_names(document: DocumentNode) -> dict[str, str]:
    for d in document.definitions:
        if isinstance(d, EnumTypeDefinitionNode) and d.name.value == "join__Graph":
            return {v.name.value: _args(v.directives[0])["name"] for v in d.values or ()}
    return {}


def join_info(supergraph_sdl: str) -> dict[str, set[tuple[object, ...]]]:
    """The join information of a supergraph as sets of tuples keyed by subgraph name."""
    document = parse(supergraph_sdl, no_location=True)
    graphs = _graph_names(document)
    info: dict[str, set[tuple[object, ...]]] = {
        k: set() for k in ("types", "fields", "implements", "members", "values")
    }
    for d in document.definitions:
        if isinstance(d, TypeDefinitionNode) and not d.name.value.startswith(_SPEC_PREFIXES):
            _type_joins(d, graphs, info)
    return info


def _type_joins(
    d: TypeDefinitionNode, graphs: dict[str, str], info: dict[str, set[tuple[object, ...]]]
) -> None:
    name = d.name.value
    type_graphs: list[str] = []
    for directive in d.directives or ():
        args = _args(directive)
        graph = graphs.get(args.get("graph", ""), "")
        if directive.name.value == "join__type":
            type_graphs.append(graph)
            key = _fieldset(args.get("key"))
            resolvable = args.get("resolvable", True)
            flags = (resolvable, args.get("isInterfaceObject", False), args.get("extension", False))
            info["types"].add((name, graph, key, *flags))
        elif directive.name.value == "join__implements":
            info["implements"].add((name, graph, args["interface"]))
        elif directive.name.value == "join__unionMember":
            info["members"].add((name, graph, args["member"]))
    type_graphs = list(dict.fromkeys(type_graphs))
    fields = getattr(d, "fields", None) or ()
    for f in fields:
        info["fields"].update(
            _field_joins(f"{name}.{f.name.value}", f.directives, graphs, type_graphs)
        )
    values = d.values or () if isinstance(d, EnumTypeDefinitionNode) else ()
    info["values"].update(
        (name, v.name.value, graphs[_args(j)["graph"]])
        for v in values
        for j in v.directives or ()
        if j.name.value == "join__enumValue"
    )


def _field_joins(
    coordinate: str,
    directives: Iterable[DirectiveNode] | None,
    graphs: dict[str, str],
    type_graphs: list[str],
) -> set[tuple[object, ...]]:
    joins = [_args(d) for d in directives or () if d.name.value == "join__field"]
    if not joins:
        return {
            (coordinate, g, None, None, False, None, None, False, None, None) for g in type_graphs
        }
    return {
        (
            coordinate,
            graphs.get(j.get("graph", "")),
            _fieldset(j.get("requires")),
            _fieldset(j.get("provides")),
            bool(j.get("external", False)),
            j.get("override"),
            j.get("overrideLabel"),
            bool(j.get("usedOverridden", False)),
            json.dumps(j.get("contextArguments"), sort_keys=True)
            if j.get("contextArguments")
            else None,
            j.get("type"),
        )
        for j in joins
    }


def _canonical_names(document: DocumentNode) -> dict[str, str]:
    """Local directive name -> the spec's own name, for directives the supergraph imports
    renamed (`import: [{name: "@cost", as: "@weight"}]`): composers differ in which they print."""
    links = read_links(document, [])
    return {
        local.removeprefix("@"): name.removeprefix("@")
        for feature in links.machinery()
        for name, local in feature.imports.items()
        if name.startswith("@")
    }


class _Rename(Visitor):
    def __init__(self, names: dict[str, str]) -> None:
        super().__init__()
        self.names = names

    def enter_directive(self, node: DirectiveNode, *_: object) -> DirectiveNode | None:
        name = self.names.get(node.name.value)
        if name is None:
            return None
        return DirectiveNode(name=NameNode(value=name), arguments=node.arguments)


def _canonicalise(document: DocumentNode) -> DocumentNode:
    """The document with renamed spec directives (`@fed__inaccessible`) under their own names."""
    renamed: DocumentNode = visit(document, _Rename(_canonical_names(document)))
    return renamed


def carried_info(supergraph_sdl: str) -> set[tuple[str, str, str]]:
    """(schema coordinate, directive, arguments) for every carried directive application."""
    document = parse(supergraph_sdl, no_location=True)
    canonical = _canonical_names(document)
    found: set[tuple[str, str, str]] = set()

    def visit(coordinate: str, directives: Iterable[DirectiveNode] | None) -> None:
        for d in directives or ():
            name = canonical.get(d.name.value, d.name.value)
            if name in _CARRIED or not name.startswith(
                ("join__", "link", "deprecated", "specifiedBy")
            ):
                args = json.dumps(_args(d), sort_keys=True)
                found.add((coordinate, name, args))

    for d in document.definitions:
        if not isinstance(d, TypeDefinitionNode) or d.name.value.startswith(_SPEC_PREFIXES):
            continue
        visit(d.name.value, d.directives)
        for child in [*(getattr(d, "fields", None) or ()), *(getattr(d, "values", None) or ())]:
            visit(f"{d.name.value}.{child.name.value}", child.directives)
            for a in getattr(child, "arguments", None) or ():
                visit(f"{d.name.value}.{child.name.value}({a.name.value}:)", a.directives)
    return found

"""Read the schema's `@link` (or legacy `@core`) applications: which specs are in use and under
which local names, so every other reader finds `@join__type` even when it was renamed."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from graphql import DirectiveNode, DocumentNode, SchemaDefinitionNode, SchemaExtensionNode

from .arguments import directive_arguments
from .problems import SupergraphProblem

__all__ = ["Feature", "Links", "read_links"]

_URL = re.compile(r"^(?P<base>.*?)/(?P<name>[A-Za-z_][\w-]*)/v(?P<major>\d+)\.(?P<minor>\d+)/?$")
_SUPPORTED = {"link", "core", "join", "inaccessible", "tag", "context"}
# Authorization specs: read into `Supergraph.security` for the runtime to enforce.
_SECURITY = {"authenticated", "requiresScopes", "policy"}
_JOIN_VERSIONS = {(0, 1), (0, 2), (0, 3), (0, 4), (0, 5)}


@dataclass(frozen=True, slots=True, kw_only=True)
class Feature:
    """One linked spec: its name, version and the local names of its elements."""

    url: str
    name: str
    version: tuple[int, int]
    prefix: str
    imports: Mapping[str, str] = field(default_factory=dict)
    purpose: str | None = None

    def directive(self, name: str) -> str:
        """The local name of this spec's directive `@name`."""
        imported = self.imports.get(f"@{name}")
        if imported is not None:
            return imported.removeprefix("@")
        return self.prefix if name == self.name else f"{self.prefix}__{name}"

    def type_name(self, name: str) -> str:
        """The local name of this spec's type `name`."""
        return self.imports.get(name, f"{self.prefix}__{name}")

    def owns_type(self, name: str) -> bool:
        return name.startswith(f"{self.prefix}__") or name in self.imports.values()

    def owns_directive(self, name: str) -> bool:
        local = {value.removeprefix("@") for key, value in self.imports.items() if key[0] == "@"}
        return name == self.prefix or name.startswith(f"{self.prefix}__") or name in local


@dataclass(frozen=True, slots=True, kw_only=True)
class Links:
    """All features linked by the schema, by spec name."""

    features: Mapping[str, Feature]

    def get(self, spec: str) -> Feature | None:
        return self.features.get(spec)

    def machinery(self) -> tuple[Feature, ...]:
        """Features whose definitions are removed from the API schema."""
        return tuple(self.features.values())

    def directive_name(self, spec: str, name: str | None = None) -> str:
        """The local name of spec `spec`'s directive `@name` (the spec's own name by default).

        An unlinked spec answers the plain name, as a supergraph from an older composer (or a
        hand-written one) applies `@authenticated` or `@cost` without linking it.
        """
        feature = self.features.get(spec)
        plain = name or spec
        return feature.directive(plain) if feature is not None else plain


def _schema_directives(document: DocumentNode) -> list[DirectiveNode]:
    found: list[DirectiveNode] = []
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
            found.extend(definition.directives or ())
    return found


def _link_directive_names(directives: list[DirectiveNode]) -> set[str]:
    """The bootstrap: the names under which the link (or core) spec itself is applied."""
    names: set[str] = set()
    for directive in directives:
        args = directive_arguments(directive)
        url = args.get("url", args.get("feature"))
        match = _URL.match(url) if isinstance(url, str) else None
        if match and match["name"] in ("link", "core"):
            alias = args.get("as")
            names.add(alias if isinstance(alias, str) else match["name"])
    return names


def _imports(raw: object, problems: list[SupergraphProblem], url: str) -> dict[str, str]:
    imports: dict[str, str] = {}
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, str):
            imports[item] = item
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            imports[item["name"]] = str(item.get("as", item["name"]))
        else:
            problems.append(
                SupergraphProblem(code="INVALID_LINK", message=f"bad import {item!r}", location=url)
            )
    return imports


def _feature(args: Mapping[str, object], problems: list[SupergraphProblem]) -> Feature | None:
    url = args.get("url", args.get("feature"))
    match = _URL.match(url) if isinstance(url, str) else None
    if not isinstance(url, str) or match is None:
        message = f"@link url {url!r} is not a spec URL"
        problems.append(SupergraphProblem(code="INVALID_LINK", message=message))
        return None
    alias = args.get("as")
    purpose = args.get("for")
    return Feature(
        url=url,
        name=match["name"],
        version=(int(match["major"]), int(match["minor"])),
        prefix=alias if isinstance(alias, str) else match["name"],
        imports=_imports(args.get("import"), problems, url),
        purpose=purpose if isinstance(purpose, str) else None,
    )


def _check(feature: Feature, problems: list[SupergraphProblem]) -> None:
    if feature.name == "join" and feature.version not in _JOIN_VERSIONS:
        message = f"join v{feature.version[0]}.{feature.version[1]} is not supported"
        problems.append(SupergraphProblem(code="UNSUPPORTED_FEATURE", message=message))
    known = feature.name in _SUPPORTED or feature.name in _SECURITY
    if not known and feature.purpose in ("EXECUTION", "SECURITY"):
        message = f"{feature.url} is linked for {feature.purpose}, which this gateway cannot honour"
        problems.append(SupergraphProblem(code="UNSUPPORTED_FEATURE", message=message))


def read_links(document: DocumentNode, problems: list[SupergraphProblem]) -> Links:
    """Collect the linked features; a supergraph without the join spec is a problem."""
    directives = _schema_directives(document)
    link_names = _link_directive_names(directives)
    features: dict[str, Feature] = {}
    for directive in directives:
        if directive.name.value not in link_names:
            continue
        feature = _feature(directive_arguments(directive), problems)
        if feature is not None:
            _check(feature, problems)
            features[feature.name] = feature
    if "join" not in features:
        message = "the schema does not @link the join spec; it is not a supergraph"
        problems.append(SupergraphProblem(code="NOT_A_SUPERGRAPH", message=message))
    return Links(features=features)

"""Reading a subgraph's `@link`s: which local name each federation directive goes by.

A Federation 2 subgraph imports directives by name (`import: ["@key", {name: "@provides", as:
"@gives"}]`) and may reach the rest through a prefix (`@federation__requires`). A subgraph without
a federation `@link` is Federation 1 and uses the plain names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graphql import (
    ConstDirectiveNode,
    DocumentNode,
    ListValueNode,
    ObjectValueNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
    ValueNode,
    print_ast,
)

__all__ = [
    "FEDERATION_DIRECTIVES",
    "LinkInfo",
    "read_links",
]

FEDERATION_DIRECTIVES = (
    "key",
    "shareable",
    "external",
    "requires",
    "provides",
    "override",
    "inaccessible",
    "tag",
    "interfaceObject",
    "extends",
    "composeDirective",
    "authenticated",
    "requiresScopes",
    "policy",
    "cost",
    "listSize",
    "context",
    "fromContext",
    "cacheTag",
)

_FEDERATION_URL = re.compile(r"^https://specs\.apollo\.dev/federation/v(\d+)\.(\d+)/?$")
_SPEC_URL = re.compile(r"^https://specs\.apollo\.dev/(\w+)/v(\d+)\.(\d+)/?$")
_KNOWN_SPECS = {"inaccessible", "tag", "authenticated", "requiresScopes", "policy", "cost"}
KNOWN_VERSIONS = {(2, minor) for minor in range(13)}


@dataclass(slots=True, kw_only=True)
class LinkInfo:
    """The outcome of reading a subgraph's links."""

    version: tuple[int, int] = (1, 0)
    local_to_canonical: dict[str, str] = field(default_factory=dict)
    custom_links: list[str] = field(default_factory=list)
    composed: list[str] = field(default_factory=list)
    composed_lines: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    federation_imports: dict[str, str] = field(default_factory=dict)
    """What the federation `@link` imports, canonical name to local name (no `@`)."""
    federation_line: int | None = None
    """The line of the federation `@link`, where an error about its imports points."""


def _string_arg(directive: ConstDirectiveNode, name: str) -> str | None:
    for arg in directive.arguments or ():
        if arg.name.value == name and isinstance(arg.value, StringValueNode):
            return arg.value.value
    return None


def _arg(directive: ConstDirectiveNode, name: str) -> ValueNode | None:
    for arg in directive.arguments or ():
        if arg.name.value == name:
            return arg.value
    return None


def _imports(directive: ConstDirectiveNode) -> list[tuple[str, str]]:
    """(imported name, local name) pairs, both without the leading `@`."""
    value = _arg(directive, "import")
    if not isinstance(value, ListValueNode):
        return []
    pairs: list[tuple[str, str]] = []
    for item in value.values:
        if isinstance(item, StringValueNode):
            pairs.append((item.value.lstrip("@"), item.value.lstrip("@")))
        elif isinstance(item, ObjectValueNode):
            fields = {f.name.value: f.value for f in item.fields}
            name, alias = fields.get("name"), fields.get("as")
            if isinstance(name, StringValueNode):
                local = alias.value if isinstance(alias, StringValueNode) else name.value
                pairs.append((name.value.lstrip("@"), local.lstrip("@")))
    return pairs


def _schema_directives(document: DocumentNode) -> list[ConstDirectiveNode]:
    found: list[ConstDirectiveNode] = []
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
            found.extend(definition.directives or ())
    return found


def _read_federation_link(
    info: LinkInfo, directive: ConstDirectiveNode, match: re.Match[str]
) -> None:
    info.version = (int(match.group(1)), int(match.group(2)))
    info.federation_line = directive.loc.start_token.line if directive.loc else None
    if info.version not in KNOWN_VERSIONS:
        info.problems.append(f"Invalid version v{info.version[0]}.{info.version[1]} for federation")
    prefix = (_string_arg(directive, "as") or "federation").lstrip("@")
    for name in FEDERATION_DIRECTIVES:
        info.local_to_canonical.setdefault(f"{prefix}__{name}", name)
    for imported, local in _imports(directive):
        if imported in FEDERATION_DIRECTIVES:
            info.local_to_canonical[local] = imported
            info.federation_imports[imported] = local


def read_links(document: DocumentNode) -> LinkInfo:
    """Find the federation version, the local directive names and any custom links."""
    info = LinkInfo()
    directives = _schema_directives(document)
    for directive in directives:
        if directive.name.value != "link":
            continue
        url = _string_arg(directive, "url") or ""
        federation = _FEDERATION_URL.match(url)
        spec = _SPEC_URL.match(url)
        if federation:
            _read_federation_link(info, directive, federation)
        elif spec and spec.group(1) in _KNOWN_SPECS:
            name = spec.group(1)
            info.local_to_canonical[(_string_arg(directive, "as") or name)] = name
            for imported, local in _imports(directive):
                info.local_to_canonical[local] = imported
        elif spec and spec.group(1) == "link":
            continue
        else:
            info.custom_links.append(print_ast(directive))
    if info.version == (1, 0):
        info.local_to_canonical = {name: name for name in FEDERATION_DIRECTIVES}
    for directive in directives:
        if info.local_to_canonical.get(directive.name.value) == "composeDirective":
            name = _string_arg(directive, "name")
            if name:
                info.composed.append(name.lstrip("@"))
                if directive.loc is not None:
                    info.composed_lines[name.lstrip("@")] = directive.loc.start_token.line
    return info

"""The fixed SDL of the specs a supergraph links: join (by version), link, and the carried ones."""

from __future__ import annotations

__all__ = ["join_definitions", "join_version", "link_definitions", "spec_definitions"]


def join_version(federation: tuple[int, int]) -> str:
    """The join spec version Apollo writes for the highest federation version among subgraphs."""
    if federation >= (2, 8):
        return "v0.5"
    if federation >= (2, 7):
        return "v0.4"
    return "v0.3"


def join_definitions(version: str) -> str:
    """The `join__` directives and types of one join spec version."""
    label = "\n  overrideLabel: String" if version in ("v0.4", "v0.5") else ""
    context = "\n  contextArguments: [join__ContextArgument!]" if version == "v0.5" else ""
    extra = (
        "\n\ninput join__ContextArgument {\n  name: String!\n  type: String!\n  context: String!\n"
        "  selection: join__FieldValue!\n}\n\nscalar join__FieldValue"
        if version == "v0.5"
        else ""
    )
    return f"""directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE

directive @join__field(
  graph: join__Graph
  requires: join__FieldSet
  provides: join__FieldSet
  type: String
  external: Boolean
  override: String
  usedOverridden: Boolean{label}{context}
) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION

directive @join__graph(name: String!, url: String!) on ENUM_VALUE

directive @join__implements(
  graph: join__Graph!
  interface: String!
) repeatable on OBJECT | INTERFACE

directive @join__type(
  graph: join__Graph!
  key: join__FieldSet
  extension: Boolean! = false
  resolvable: Boolean! = true
  isInterfaceObject: Boolean! = false
) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR

directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION

scalar join__FieldSet{extra}"""


def link_definitions() -> str:
    """The `@link` directive and its types."""
    return """directive @link(
  url: String
  as: String
  for: link__Purpose
  import: [link__Import]
) repeatable on SCHEMA

scalar link__Import

enum link__Purpose {
  \"\"\"
  `SECURITY` features provide metadata necessary to securely resolve fields.
  \"\"\"
  SECURITY

  \"\"\"
  `EXECUTION` features provide metadata necessary for operation execution.
  \"\"\"
  EXECUTION
}"""


_SPECS: dict[str, tuple[str, str]] = {
    "tag": (
        '@link(url: "https://specs.apollo.dev/tag/v0.3")',
        "directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | "
        "UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | "
        "INPUT_FIELD_DEFINITION | SCHEMA",
    ),
    "inaccessible": (
        '@link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)',
        "directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | "
        "ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION",
    ),
    "authenticated": (
        '@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)',
        "directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM",
    ),
    "requiresScopes": (
        '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)',
        "directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!) on FIELD_DEFINITION | "
        "OBJECT | INTERFACE | SCALAR | ENUM\n\nscalar requiresScopes__Scope",
    ),
    "policy": (
        '@link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)',
        "directive @policy(policies: [[policy__Policy!]!]!) on FIELD_DEFINITION | OBJECT | "
        "INTERFACE | SCALAR | ENUM\n\nscalar policy__Policy",
    ),
    "context": (
        '@link(url: "https://specs.apollo.dev/context/v0.1", for: SECURITY)',
        "directive @context(name: String!) repeatable on OBJECT | INTERFACE | UNION\n\n"
        "directive @context__fromContext(field: context__ContextFieldValue) on "
        "ARGUMENT_DEFINITION\n\nscalar context__ContextFieldValue",
    ),
    "cost": (
        '@link(url: "https://specs.apollo.dev/cost/v0.1"{imports})',
        "directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | "
        "INPUT_FIELD_DEFINITION | OBJECT | SCALAR\n\n"
        "directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: "
        "[String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION",
    ),
}


def spec_definitions(used: set[str]) -> tuple[list[str], list[str]]:
    """For the carried specs in use: their `@link`s and their definitions, in a fixed order."""
    links: list[str] = []
    definitions: list[str] = []
    for name, (link, definition) in _SPECS.items():
        if name == "cost" and ("cost" in used or "listSize" in used):
            imports = ', import: ["@listSize"]' if "listSize" in used else ""
            links.append(link.format(imports=imports))
            definitions.append(definition)
        elif name in used:
            links.append(link)
            definitions.append(definition)
    return links, definitions

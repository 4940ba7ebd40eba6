"""Kubernetes JSON schemas for kubeconform, made offline from the Kubernetes OpenAPI spec.

kubeconform downloads its schemas from GitHub, which a machine may not reach (this project's
build machines reach only package registries). The same schemas are derived here from
`api/openapi-spec/swagger.json` in the `k8s.io/kubernetes` Go module (fetched like any Go
module) with the rules of the converter that made kubeconform's own schema set
(openapi2jsonschema, kubeconform's `scripts/`): one file per kind and version, every `$ref`
inlined ("standalone", so kubeconform needs no other file), and in the strict variant every
object with declared properties closed (`additionalProperties: false`), so a misspelt field
fails `-strict`. `int-or-string` values become string-or-integer and quantities string-or-
number, as YAML writes them (`port: http` or `8000`, `cpu: 500m` or `1`). Files are named as
kubeconform's templates expect: `<dir>/v<version>-standalone-strict/<kind>-<group>-<version>.json`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from devstack.golang import download_module

__all__ = ["SCHEMA_LOCATION", "convert_definitions", "ensure_k8s_schemas", "schema_file_name"]

SCHEMA_LOCATION = (
    "{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/"
    "{{ .ResourceKind }}{{ .KindSuffix }}.json"
)
"""kubeconform's `-schema-location` template below the schema folder."""

_QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
_STAMP = ".complete"


def schema_file_name(group: str, version: str, kind: str) -> str:
    """kubeconform's name for a kind's schema: the group's first label, as its `KindSuffix`."""
    suffix = f"-{group.split('.')[0]}-{version}" if group else f"-{version}"
    return f"{kind.lower()}{suffix}.json"


def _resolve(node: Any, definitions: Mapping[str, Any], stack: tuple[str, ...]) -> Any:
    """`node` with every `$ref` inlined; a reference back into `stack` (a cycle) is `{}`."""
    if isinstance(node, list):
        return [_resolve(item, definitions, stack) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        if name in stack:
            return {}
        return _resolve(definitions[name], definitions, (*stack, name))
    resolved = {key: _resolve(value, definitions, stack) for key, value in node.items()}
    if resolved.get("format") == "int-or-string":
        resolved.pop("type", None)
        resolved["oneOf"] = [{"type": "string"}, {"type": "integer"}]
    return resolved


def _strict(node: Any) -> Any:
    """Close every object that declares properties (openapi2jsonschema's strict rule)."""
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    closed = {key: _strict(value) for key, value in node.items()}
    if "properties" in closed and "additionalProperties" not in closed:
        closed["additionalProperties"] = False
    return closed


def convert_definitions(swagger: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """File name -> strict standalone schema, for every kind the spec defines."""
    definitions = dict(swagger["definitions"])
    if _QUANTITY in definitions:
        quantity = dict(definitions[_QUANTITY])
        quantity.pop("type", None)
        definitions[_QUANTITY] = {**quantity, "oneOf": [{"type": "string"}, {"type": "number"}]}
    schemas: dict[str, dict[str, Any]] = {}
    for name, definition in definitions.items():
        for gvk in definition.get("x-kubernetes-group-version-kind", ()):
            schema = _strict(_resolve(definition, definitions, (name,)))
            schema["$schema"] = "http://json-schema.org/schema#"
            schemas[schema_file_name(gvk["group"], gvk["version"], gvk["kind"])] = schema
    return schemas


def ensure_k8s_schemas(kubernetes_version: str, cache: Path) -> Path:
    """The folder to give kubeconform's `-schema-location`, written once per version."""
    folder = cache / f"v{kubernetes_version}-standalone-strict"
    if (folder / _STAMP).is_file():
        return cache
    module = download_module("k8s.io/kubernetes", f"v{kubernetes_version}")
    swagger = json.loads((module / "api" / "openapi-spec" / "swagger.json").read_text())
    folder.mkdir(parents=True, exist_ok=True)
    for file_name, schema in convert_definitions(swagger).items():
        (folder / file_name).write_text(json.dumps(schema, separators=(",", ":")))
    (folder / _STAMP).write_text(f"k8s.io/kubernetes v{kubernetes_version}\n")
    return cache

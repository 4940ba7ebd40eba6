"""The OpenAPI-to-JSON-schema conversion kubeconform's offline schemas come from."""

from __future__ import annotations

from typing import Any

from devstack.k8s_schemas import convert_definitions, schema_file_name

SPEC: dict[str, Any] = {
    "definitions": {
        "io.k8s.api.apps.v1.Thing": {
            "type": "object",
            "x-kubernetes-group-version-kind": [
                {"group": "apps", "version": "v1", "kind": "Thing"}
            ],
            "properties": {
                "port": {"$ref": "#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString"},
                "cpu": {"$ref": "#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity"},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "child": {"$ref": "#/definitions/io.k8s.api.apps.v1.Thing"},
            },
        },
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {
            "type": "string",
            "format": "int-or-string",
        },
        "io.k8s.apimachinery.pkg.api.resource.Quantity": {"type": "string"},
        "io.k8s.api.core.v1.Unkinded": {"type": "object", "properties": {}},
    }
}


def test_file_names_follow_kubeconform_kind_suffix() -> None:
    assert schema_file_name("", "v1", "Service") == "service-v1.json"
    assert schema_file_name("apps", "v1", "Deployment") == "deployment-apps-v1.json"
    assert schema_file_name("networking.k8s.io", "v1", "Ingress") == "ingress-networking-v1.json"


def test_kinds_become_strict_standalone_schemas() -> None:
    schemas = convert_definitions(SPEC)
    assert list(schemas) == ["thing-apps-v1.json"]  # only definitions that are kinds
    thing = schemas["thing-apps-v1.json"]
    assert thing["additionalProperties"] is False  # strict: unknown fields fail
    properties = thing["properties"]
    assert properties["port"]["oneOf"] == [{"type": "string"}, {"type": "integer"}]
    assert "type" not in properties["port"]
    assert properties["cpu"]["oneOf"] == [{"type": "string"}, {"type": "number"}]
    assert properties["labels"]["additionalProperties"] == {"type": "string"}  # maps stay open
    assert properties["child"] == {}  # a reference back into itself is not expanded forever
    assert "$ref" not in str(thing)

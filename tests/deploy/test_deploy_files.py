"""The deployment files hold what the deployment needs, as the tools that read them see them.

compose.yaml is read as Docker Compose reads it and the Dockerfile by BuildKit's parser
(`tools/deploycheck`); the chart is rendered by helm and validated by kubeconform `-strict`
(`devstack.deploy_check`, the same steps as `make deploy-check`). `make test` builds the tools
first (`python -m devstack prepare-tests`), so nothing here is skipped.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from devstack.deploy_check import (
    CHART_VARIANTS,
    DeployCheckError,
    compose_services,
    dockerfile_stages,
    lint_chart,
    render_chart,
    validate_manifests,
)
from subgraphs.accounts.tokens import SigningKey

SUBGRAPHS = ("accounts", "whatsapp", "facebook", "instagram")


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    return {service["name"]: service for service in compose_services()}


def test_compose_runs_the_topology_as_replicas(services: dict[str, dict[str, Any]]) -> None:
    for name in SUBGRAPHS:
        assert services[name]["replicas"] == 2, name
        assert services[name]["command"] == [name]
    assert services["gateway"]["replicas"] == 2
    assert {"mongo1", "mongo2", "mongo3", "mongo-init", "redis", "nginx"} <= services.keys()
    observability = {n for n, s in services.items() if s.get("profiles") == ["observability"]}
    assert observability == {"otel-collector", "prometheus", "grafana"}


def test_compose_writes_with_majority_to_the_replica_set(
    services: dict[str, dict[str, Any]],
) -> None:
    for name in SUBGRAPHS:
        uri = services[name]["environment"]["MONGODB_URI"]
        assert "replicaSet=rs0" in uri, uri
        assert "w=majority" in uri, uri
        assert services[name]["environment"]["REDIS_URL"].startswith("redis://redis:")
    gateway = services["gateway"]["environment"]
    assert gateway["GATEWAY_REDIS_URL"].startswith("redis://redis:")
    assert gateway["GATEWAY_AUTH_JWKS_URL"] == "http://accounts:8000/.well-known/jwks.json"
    assert gateway["GATEWAY_SUBGRAPH_URL_WHATSAPP"] == "http://whatsapp:8000/graphql"


def test_compose_refuses_to_start_without_an_internal_token() -> None:
    with pytest.raises(DeployCheckError, match="INTERNAL_TOKEN"):
        compose_services(env={"INTERNAL_TOKEN": ""})


def _instructions(stage: dict[str, Any]) -> list[str]:
    return [line.split(" ", 1)[0] for line in stage["instructions"]]


def test_dockerfile_builds_from_the_lock_and_runs_unprivileged_with_a_health_check() -> None:
    stages = {stage["name"]: stage for stage in dockerfile_stages()}
    build = " ".join(stages["build"]["instructions"])
    assert "uv sync --frozen --no-dev --no-install-project" in build
    assert "uv sync --frozen --no-dev --no-editable" in build
    runtime = stages["runtime"]["instructions"]
    assert "COPY --from=build /app/.venv /app/.venv" in runtime
    assert runtime[-1] == "USER 10001:10001"  # numeric, not root: runAsNonRoot can check it
    for name in ("gateway", "subgraph"):
        stage = stages[name]
        assert stage["base"] == "runtime", name
        health = [line for line in stage["instructions"] if line.startswith("HEALTHCHECK")]
        assert len(health) == 1, name
        assert "/health" in health[0], name
        assert "USER" not in _instructions(stage), name  # nothing switches back to root


@pytest.fixture(scope="module", params=sorted(CHART_VARIANTS))
def rendered(request: pytest.FixtureRequest) -> tuple[str, str]:
    values = CHART_VARIANTS[request.param]
    return request.param, render_chart(values=values)


def test_every_rendered_manifest_is_valid_for_kubernetes(rendered: tuple[str, str]) -> None:
    _, manifests = rendered
    summary = validate_manifests(manifests)
    assert "Invalid: 0, Errors: 0, Skipped: 0" in summary, summary


def test_kubeconform_refuses_a_misspelt_field() -> None:
    manifests = render_chart().replace("readinessProbe:", "readinessProbes:", 1)
    with pytest.raises(DeployCheckError, match="readinessProbes"):
        validate_manifests(manifests)


def test_helm_lint_passes_and_refuses_a_chart_without_its_secret() -> None:
    assert "0 chart(s) failed" in lint_chart()
    with pytest.raises(DeployCheckError, match="internalToken is required"):
        render_chart(values={"secrets.internalToken": ""})


def _documents(manifests: str) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(manifests) if doc]


def test_the_chart_deploys_each_workload_with_probes_autoscaling_and_budgets() -> None:
    documents = _documents(render_chart())
    by_kind: dict[str, dict[str, dict[str, Any]]] = {}
    for doc in documents:
        by_kind.setdefault(doc["kind"], {})[doc["metadata"]["name"]] = doc
    workloads = {f"accounts-center-{name}" for name in ("gateway", *SUBGRAPHS)}
    for kind in ("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"):
        assert set(by_kind[kind]) == workloads, kind
    for name, deployment in by_kind["Deployment"].items():
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        (container,) = pod["containers"]
        assert container["securityContext"]["readOnlyRootFilesystem"] is True, name
        assert container["readinessProbe"]["httpGet"]["path"] == "/ready", name
        assert container["livenessProbe"]["httpGet"]["path"] == "/health", name
        assert container["resources"]["requests"]["cpu"], name
        assert "replicas" not in deployment["spec"], name  # the HPA owns the count
        hpa = by_kind["HorizontalPodAutoscaler"][name]["spec"]
        assert hpa["metrics"][0]["resource"]["name"] == "cpu"
        secret_refs = [
            env["valueFrom"]["secretKeyRef"]["key"]
            for env in container["env"]
            if "valueFrom" in env
        ]
        if name.endswith("gateway"):
            assert secret_refs == ["REDIS_URL"]
        else:
            assert set(secret_refs) == {"MONGODB_URI", "REDIS_URL", "INTERNAL_TOKEN"}, name


def test_the_gateway_serves_the_supergraph_configmap_mounted_as_a_directory() -> None:
    documents = _documents(render_chart())
    (configmap,) = [doc for doc in documents if doc["kind"] == "ConfigMap"]
    with open("schema/supergraph.graphql", encoding="utf-8") as file:
        assert configmap["data"]["supergraph.graphql"].strip() == file.read().strip()
    (gateway,) = [
        doc
        for doc in documents
        if doc["kind"] == "Deployment" and doc["metadata"]["name"].endswith("gateway")
    ]
    pod = gateway["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    env = {item["name"]: item.get("value") for item in container["env"]}
    mount = next(m for m in container["volumeMounts"] if m["name"] == "supergraph")
    assert "subPath" not in mount  # a subPath mount never sees the kubelet's updates
    assert env["GATEWAY_SUPERGRAPH"] == f"{mount['mountPath']}/supergraph.graphql"
    # No checksum of the supergraph on the pods: a new one is reloaded, not rolled out.
    assert set(gateway["spec"]["template"]["metadata"]["annotations"]) == {"checksum/secret"}


def _signing_key(documents: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The accounts container and its pod's signing-key volume."""
    (accounts,) = [
        doc
        for doc in documents
        if doc["kind"] == "Deployment" and doc["metadata"]["name"].endswith("-accounts")
    ]
    pod = accounts["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    (volume,) = [v for v in pod["volumes"] if v["name"] == "signing-key"]
    return container, volume


def test_accounts_signs_with_a_key_from_the_secret_the_chart_mounts() -> None:
    documents = _documents(render_chart())
    container, volume = _signing_key(documents)
    (secret,) = [
        doc
        for doc in documents
        if doc["kind"] == "Secret" and doc["metadata"]["name"] == volume["secret"]["secretName"]
    ]
    (item,) = volume["secret"]["items"]
    # The generated key is one accounts' own loader takes (Ed25519, PKCS#8 PEM).
    SigningKey.from_pem(base64.b64decode(secret["data"][item["key"]]))
    (mount,) = [m for m in container["volumeMounts"] if m["name"] == "signing-key"]
    assert mount["readOnly"] is True
    assert "subPath" not in mount  # the kubelet updates the file when the Secret changes
    env = {entry["name"]: entry.get("value") for entry in container["env"]}
    assert env["SIGNING_KEY_FILE"] == f"{mount['mountPath']}/{item['path']}"
    others = [
        doc["spec"]["template"]["spec"]
        for doc in documents
        if doc["kind"] == "Deployment" and not doc["metadata"]["name"].endswith("-accounts")
    ]
    for pod in others:  # only accounts signs; the rest verify against its JWKS
        assert all(v["name"] != "signing-key" for v in pod["volumes"])
        assert all(e["name"] != "SIGNING_KEY_FILE" for e in pod["containers"][0]["env"])


def test_the_signing_key_comes_from_an_existing_secret_or_the_given_pem() -> None:
    existing = _documents(render_chart(values={"signingKey.existingSecret": "keys-from-a-vault"}))
    _, volume = _signing_key(existing)
    assert volume["secret"]["secretName"] == "keys-from-a-vault"
    assert not [d for d in existing if d["metadata"]["name"].endswith("-signing-key")]
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    given = _documents(render_chart(values={"signingKey.pem": pem.decode()}))
    (secret,) = [d for d in given if d["metadata"]["name"].endswith("-signing-key")]
    assert base64.b64decode(secret["data"]["signing-key.pem"]) == pem

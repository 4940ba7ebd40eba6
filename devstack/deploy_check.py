"""`make deploy-check`: every deployment file checked by the tools that will read it, offline.

- `compose.yaml`: loaded as Docker Compose loads it (compose-go: the compose-spec schema,
  interpolation, merge keys, service references), every profile on (`tools/deploycheck`).
- `deploy/docker/Dockerfile`: parsed by BuildKit's Dockerfile parser (`tools/deploycheck`).
- the Helm chart: `helm lint --strict`, then `helm template` with the default values and with
  every switch flipped (`CHART_VARIANTS`), each manifest validated by `kubeconform -strict`
  against schemas made from the Kubernetes OpenAPI spec (`devstack.k8s_schemas`).

The tools are built once into `.cache/deploy` (`devstack.deploy_tools`). The pieces are public
functions so the tests (`tests/deploy/`) run the same checks and assert on what they return.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from devstack.deploy_tools import (
    DEPLOY_HOME,
    HELM,
    KUBECONFORM,
    KUBERNETES_VERSION,
    ensure_deploycheck,
    ensure_tool,
)
from devstack.golang import ROOT
from devstack.k8s_schemas import SCHEMA_LOCATION, ensure_k8s_schemas

__all__ = [
    "CHART",
    "CHART_VARIANTS",
    "COMPOSE_FILE",
    "DOCKERFILE",
    "DeployCheckError",
    "compose_services",
    "deploy_check",
    "dockerfile_stages",
    "lint_chart",
    "prepare_deploy_tools",
    "render_chart",
    "validate_manifests",
]

CHART = ROOT / "deploy" / "helm" / "accounts-center"
COMPOSE_FILE = ROOT / "compose.yaml"
DOCKERFILE = ROOT / "deploy" / "docker" / "Dockerfile"
SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"
CHECK_VALUES: Mapping[str, str] = {"secrets.internalToken": "deploy-check-not-a-secret"}
"""Values an install must give and the check gives a placeholder for."""
CHART_VARIANTS: Mapping[str, Mapping[str, str]] = {
    "defaults": {},
    "switches flipped": {
        "gateway.autoscaling.enabled": "false",
        "gateway.podDisruptionBudget.enabled": "false",
        "subgraphDefaults.autoscaling.enabled": "false",
        "subgraphs.accounts.podDisruptionBudget.enabled": "false",
        "secrets.existingSecret": "accounts-center-from-a-vault",
        "signingKey.existingSecret": "accounts-center-signing-key-from-a-vault",
        "imagePullSecrets[0].name": "registry",
        "gateway.env.GATEWAY_ACCESS_LOG": "json",
    },
}
"""Value sets rendered and validated: each template branch is taken by one of them."""


class DeployCheckError(RuntimeError):
    """A tool refused a file; the message is the tool's own output."""


def _run(command: Sequence[str | Path], env: Mapping[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(part) for part in command],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        shown = " ".join(str(part) for part in command[:3])
        raise DeployCheckError(f"{shown} ... failed:\n{result.stdout}{result.stderr}".rstrip())
    return result.stdout


def prepare_deploy_tools() -> None:
    """Build or find every tool and schema the checks use (`prepare-tests` calls this)."""
    ensure_deploycheck()
    ensure_tool(HELM)
    ensure_tool(KUBECONFORM)
    ensure_k8s_schemas(KUBERNETES_VERSION, DEPLOY_HOME / "schemas")


def compose_services(
    compose_file: Path = COMPOSE_FILE, env: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """The services of a compose file as Docker Compose loads it (every profile on)."""
    chosen = {"INTERNAL_TOKEN": "deploy-check-not-a-secret"} if env is None else env
    out = _run([ensure_deploycheck(), "compose", compose_file], chosen)
    services: list[dict[str, Any]] = json.loads(out)
    return services


def dockerfile_stages(dockerfile: Path = DOCKERFILE) -> list[dict[str, Any]]:
    """A Dockerfile's stages (`name`, `base`, `instructions`) as BuildKit's parser reads them."""
    stages: list[dict[str, Any]] = json.loads(
        _run([ensure_deploycheck(), "dockerfile", dockerfile])
    )
    return stages


def _value_flags(values: Mapping[str, str]) -> list[str]:
    """The supergraph and the placeholders as strings, `values` typed (`false` is a boolean)."""
    flags = ["--set-file", f"supergraph={SUPERGRAPH}"]
    for key, value in CHECK_VALUES.items():
        if key not in values:  # helm applies --set-string after --set: let `values` win
            flags += ["--set-string", f"{key}={value}"]
    for key, value in values.items():
        flags += ["--set", f"{key}={value}"]
    return flags


def lint_chart(chart: Path = CHART, values: Mapping[str, str] | None = None) -> str:
    """`helm lint --strict` of the chart with the check's values."""
    helm = ensure_tool(HELM)
    return _run([helm, "lint", "--strict", chart, *_value_flags(values or {})])


def render_chart(chart: Path = CHART, values: Mapping[str, str] | None = None) -> str:
    """`helm template` of the chart for the checked Kubernetes version: the manifests as YAML."""
    helm = ensure_tool(HELM)
    return _run(
        [
            helm,
            "template",
            "accounts-center",
            chart,
            "--kube-version",
            KUBERNETES_VERSION,
            *_value_flags(values or {}),
        ]
    )


def validate_manifests(manifests: str) -> str:
    """kubeconform `-strict` over every manifest, against the offline schemas; its summary."""
    kubeconform = ensure_tool(KUBECONFORM)
    schemas = ensure_k8s_schemas(KUBERNETES_VERSION, DEPLOY_HOME / "schemas")
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", dir=DEPLOY_HOME) as file:
        file.write(manifests)
        file.flush()
        return _run(
            [
                kubeconform,
                "-strict",
                "-summary",
                "-kubernetes-version",
                KUBERNETES_VERSION,
                "-schema-location",
                f"{schemas}/{SCHEMA_LOCATION}",
                file.name,
            ]
        )


def deploy_check() -> int:
    """Run every check; print what each found; 1 on the first failure."""
    try:
        prepare_deploy_tools()
        services = compose_services()
        print(f"compose.yaml: {len(services)} services load as Docker Compose loads them")
        stages = dockerfile_stages()
        print(f"Dockerfile: stages {', '.join(stage['name'] for stage in stages)} parse")
        print(lint_chart().strip().splitlines()[-1])
        for name, values in CHART_VARIANTS.items():
            lint_chart(values=values)
            summary = validate_manifests(render_chart(values=values))
            print(f"chart, {name}: {summary.strip()}")
    except DeployCheckError as error:
        print(error, file=sys.stderr)
        return 1
    return 0

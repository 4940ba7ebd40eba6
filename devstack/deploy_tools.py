"""helm, kubeconform and deploycheck, built from their Go modules into `.cache/deploy/bin` once.

Debian has no helm package, and kubeconform is a Go module, so both are built with the same Go
as FerretDB (`devstack.golang`), at pinned versions whose Go requirement is the README's (1.24).
helm's release build sets its version and default Kubernetes version by linker flags; a plain
`go install` would call itself "v3.19" and render for Kubernetes 1.20, so the same flags are
passed here. deploycheck is this repository's own Go program (`tools/deploycheck`), rebuilt when
its source changes. A stamp beside each binary records what it was built from, and a file lock
lets parallel callers (pytest workers, `make deploy-check`) share one build.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from devstack.golang import CACHE, ROOT, run_go

__all__ = [
    "DEPLOYCHECK_SOURCE",
    "DEPLOY_HOME",
    "HELM",
    "KUBECONFORM",
    "KUBERNETES_VERSION",
    "GoTool",
    "ensure_deploycheck",
    "ensure_tool",
]

DEPLOY_HOME = CACHE / "deploy"
BIN = DEPLOY_HOME / "bin"
DEPLOYCHECK_SOURCE = ROOT / "tools" / "deploycheck"
KUBERNETES_VERSION = "1.34.4"
"""The Kubernetes the chart is rendered for and validated against (helm's own libraries are
1.34's); its OpenAPI spec comes from the `k8s.io/kubernetes` module of the same version."""


@dataclass(frozen=True, slots=True, kw_only=True)
class GoTool:
    """A command installed from a Go module at a pinned version."""

    name: str
    package: str
    version: str
    ldflags: tuple[str, ...] = ()

    @property
    def binary(self) -> Path:
        return BIN / self.name

    def stamp(self) -> str:
        return f"{self.package}@{self.version} {' '.join(self.ldflags)}\n"


_MAJOR, _MINOR = KUBERNETES_VERSION.split(".")[:2]
HELM = GoTool(
    name="helm",
    package="helm.sh/helm/v3/cmd/helm",
    version="v3.19.4",
    ldflags=(
        "-X helm.sh/helm/v3/internal/version.version=v3.19.4",
        f"-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor={_MAJOR}",
        f"-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor={_MINOR}",
        f"-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor={_MAJOR}",
        f"-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor={_MINOR}",
    ),
)
KUBECONFORM = GoTool(
    name="kubeconform", package="github.com/yannh/kubeconform/cmd/kubeconform", version="v0.7.0"
)


def _is_built(binary: Path, stamp: str) -> bool:
    stamp_file = binary.with_suffix(".stamp")
    return (
        binary.is_file()
        and os.access(binary, os.X_OK)
        and stamp_file.is_file()
        and stamp_file.read_text() == stamp
    )


def _locked_build(binary: Path, stamp: str, build: Callable[[], None]) -> Path:
    """Run `build()` under the lock unless `binary` already matches `stamp`."""
    if _is_built(binary, stamp):
        return binary
    BIN.mkdir(parents=True, exist_ok=True)
    with (BIN / f".{binary.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _is_built(binary, stamp):
            print(
                f"building {binary.name} with Go into {binary} (first time only)", file=sys.stderr
            )
            build()
            binary.with_suffix(".stamp").write_text(stamp)
    return binary


def ensure_tool(tool: GoTool) -> Path:
    """The tool's binary, installed with `go install package@version` when missing or stale."""

    def build() -> None:
        flags = ["-trimpath"]
        if tool.ldflags:
            flags += ["-ldflags", " ".join(tool.ldflags)]
        run_go(
            ["install", *flags, f"{tool.package}@{tool.version}"],
            CACHE / "go",
            extra_env={"GOBIN": str(BIN)},
        )

    (CACHE / "go").mkdir(parents=True, exist_ok=True)
    return _locked_build(tool.binary, tool.stamp(), build)


def _source_digest() -> str:
    digest = hashlib.sha256()
    for name in ("go.mod", "go.sum", "main.go"):
        digest.update((DEPLOYCHECK_SOURCE / name).read_bytes())
    return digest.hexdigest()


def ensure_deploycheck() -> Path:
    """`tools/deploycheck` built into `.cache/deploy/bin/deploycheck` (rebuilt on a change)."""
    binary = BIN / "deploycheck"

    def build() -> None:
        run_go(["build", "-trimpath", "-o", str(binary), "."], DEPLOYCHECK_SOURCE)

    return _locked_build(binary, f"sha256={_source_digest()}\n", build)

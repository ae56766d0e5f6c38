"""Render an overlay of ``deploy/`` with the user's inputs: copy the tree, fill it in, build it.

The tree is copied to a temporary directory, so the checked-in files never change. The copy gets
the catalogue ConfigMap, the adapter's ``--prometheus-url``, the generated objects of overlays with
a ``generated/`` slot, and an ``images`` entry for ``--image``; then ``kubectl kustomize`` builds
it when it is on PATH (or when asked), otherwise :func:`servescale.deploy.kustomize.build` does,
with the same result.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from alerts.config import AlertsConfig
from alerts.rules.files import dump_yaml
from slo.spec import SLO

from .image_ref import ImageRef
from .kustomize import KustomizeError, build
from .slot import HEADER, DashboardSource, configmap_document, write_generated

__all__ = [
    "BASE",
    "GENERATED",
    "DeployInputs",
    "KubectlError",
    "KustomizeError",
    "Renderer",
    "UnknownOverlayError",
    "build_tree",
    "build_with_kubectl",
    "has_generated_slot",
    "overlay_dir",
    "overlay_names",
    "render_overlay",
]

BASE = "base"
BASE_IMAGE = "servescale"
GENERATED = "generated"
PROMETHEUS_URL_FLAG = "--prometheus-url="


class Renderer(StrEnum):
    AUTO = "auto"
    KUBECTL = "kubectl"
    BUILTIN = "builtin"


class UnknownOverlayError(ValueError):
    """An overlay name that ``deploy/`` does not hold; the message lists those it does."""


class KubectlError(RuntimeError):
    """``kubectl kustomize`` is missing or failed; the message carries its output."""


def _no_dashboards(namespace: str) -> Sequence[dict[str, Any]]:
    return ()


@dataclass(frozen=True)
class DeployInputs:
    """What the user fills in; ``None`` keeps what the tree holds."""

    config_text: str | None = None
    slos: tuple[SLO, ...] = ()
    alerts_config: AlertsConfig = field(default_factory=AlertsConfig)
    image: ImageRef | None = None
    prometheus_url: str | None = None
    dashboards: DashboardSource = _no_dashboards


def overlay_names(deploy_dir: Path) -> list[str]:
    overlays = deploy_dir / "overlays"
    names = (
        sorted(p.name for p in overlays.iterdir() if (p / "kustomization.yaml").is_file())
        if overlays.is_dir()
        else []
    )
    return [BASE, *names]


def overlay_dir(deploy_dir: Path, overlay: str) -> Path:
    """The directory of ``overlay``; raises :class:`UnknownOverlayError` naming the known ones."""
    names = overlay_names(deploy_dir)
    if overlay not in names:
        raise UnknownOverlayError(f"unknown overlay {overlay!r}; {deploy_dir} has: {', '.join(names)}")
    return deploy_dir / BASE if overlay == BASE else deploy_dir / "overlays" / overlay


def has_generated_slot(deploy_dir: Path, overlay: str) -> bool:
    return (overlay_dir(deploy_dir, overlay) / GENERATED).is_dir()


def _set_image(kustomization: Path, image: ImageRef) -> None:
    spec = yaml.safe_load(kustomization.read_text(encoding="utf-8"))
    spec["images"] = [image.kustomize_entry(BASE_IMAGE)]
    kustomization.write_text(dump_yaml(spec, header=HEADER), encoding="utf-8")


def _set_prometheus_url(deployment: Path, url: str) -> None:
    document = yaml.safe_load(deployment.read_text(encoding="utf-8"))
    for container in document["spec"]["template"]["spec"]["containers"]:
        args = container.get("args", [])
        for index, arg in enumerate(args):
            if arg.startswith(PROMETHEUS_URL_FLAG):
                args[index] = f"{PROMETHEUS_URL_FLAG}{url}"
    deployment.write_text(dump_yaml(document, header=HEADER), encoding="utf-8")


def _fill(tree: Path, overlay: str, inputs: DeployInputs) -> Path:
    target = overlay_dir(tree, overlay)
    if inputs.prometheus_url is not None:
        _set_prometheus_url(tree / BASE / "deployment.yaml", inputs.prometheus_url)
    if inputs.config_text is not None:
        configmap = dump_yaml(configmap_document(inputs.config_text), header=HEADER)
        (tree / BASE / "configmap.yaml").write_text(configmap, encoding="utf-8")
    if (target / GENERATED).is_dir():
        write_generated(
            target / GENERATED,
            slos=inputs.slos,
            alerts_config=inputs.alerts_config,
            dashboards=inputs.dashboards,
        )
    if inputs.image is not None:
        _set_image(target / "kustomization.yaml", inputs.image)
    return target


def build_with_kubectl(directory: Path, kubectl: str = "kubectl") -> list[dict[str, Any]]:
    """``kubectl kustomize directory``, parsed."""
    path = shutil.which(kubectl)
    if path is None:
        raise KubectlError(f"{kubectl} is not on PATH")
    run = subprocess.run([path, "kustomize", str(directory)], capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise KubectlError(f"kubectl kustomize {directory} failed:\n{run.stderr.strip()}")
    return [doc for doc in yaml.safe_load_all(run.stdout) if doc]


def build_tree(directory: Path, renderer: Renderer) -> list[dict[str, Any]]:
    use_kubectl = renderer is Renderer.KUBECTL or (renderer is Renderer.AUTO and shutil.which("kubectl"))
    return build_with_kubectl(directory) if use_kubectl else build(directory)


def render_overlay(
    deploy_dir: Path, overlay: str, inputs: DeployInputs, *, renderer: Renderer = Renderer.AUTO
) -> list[dict[str, Any]]:
    """The objects of ``overlay`` filled in with ``inputs``.

    Raises :class:`UnknownOverlayError`, :class:`KustomizeError` (the builtin builder cannot build
    the tree exactly), :class:`KubectlError`, and ``ValueError`` from the alerts renderer.
    """
    overlay_dir(deploy_dir, overlay)
    with tempfile.TemporaryDirectory(prefix="servescale-deploy-") as scratch:
        tree = Path(scratch) / "deploy"
        shutil.copytree(deploy_dir, tree)
        return build_tree(_fill(tree, overlay, inputs), renderer)

"""Every overlay of deploy/ rendered through ``servescale deploy render``, and lookups on the objects.

Each overlay is rendered with real inputs, so every kind reaches some overlay: the example
catalogue (base), SLO specs, the alerts golden config with Alertmanager routes, an image and a
Prometheus URL (prometheus-operator). Rendering is cached per process, shared by the test modules.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from servescale.cli import app
from servescale.deploy.render import overlay_names

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
OVERLAYS = overlay_names(DEPLOY)
IMAGE = "registry.example.com/ml/servescale:1.2.3"
PROMETHEUS = "http://kube-prometheus-stack-prometheus.monitoring.svc:9090"
# What each overlay is rendered with: every kind of input reaches some overlay.
INPUTS: dict[str, list[str]] = {
    "base": ["--config", str(ROOT / "examples/config/servescale.yaml")],
    "prometheus-operator": [
        "--slos",
        str(ROOT / "examples/slos/llama.yaml"),
        "--slos",
        str(ROOT / "examples/slos/sloth.yaml"),
        "--alerts-config",
        str(ROOT / "tests/golden/alerts/config.yaml"),
        "--image",
        IMAGE,
        "--prometheus-url",
        PROMETHEUS,
    ],
    "cert-manager": [],
    "istio-kserve": [],
}
METRIC_GROUPS = {"custom.metrics.k8s.io", "external.metrics.k8s.io"}


def render_text(overlay: str, renderer: str, extra: list[str] | None = None) -> str:
    args = ["deploy", "render", "--overlay", overlay, "--renderer", renderer, "--out", "-"]
    result = CliRunner().invoke(app, [*args, *INPUTS[overlay], *(extra or [])])
    assert result.exit_code == 0, result.output
    return result.stdout


@cache
def rendered_overlays() -> dict[str, str]:
    """Every overlay rendered with ``kubectl kustomize``, once per test process."""
    return {overlay: render_text(overlay, "kubectl") for overlay in OVERLAYS}


def objects_of(text: str) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(text) if doc]


def find(objects: list[dict[str, Any]], kind: str, name: str | None = None) -> list[dict[str, Any]]:
    return [o for o in objects if o["kind"] == kind and name in (None, o["metadata"]["name"])]


def one(objects: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    matches = find(objects, kind, name)
    assert len(matches) == 1, f"{kind}/{name}: {len(matches)} found"
    return matches[0]


def adapter_container(objects: list[dict[str, Any]]) -> dict[str, Any]:
    containers = one(objects, "Deployment", "servescale")["spec"]["template"]["spec"]["containers"]
    return next(c for c in containers if c["name"] == "servescale")


def flag(args: list[str], name: str) -> str | None:
    values = [a.split("=", 1)[1] for a in args if a.startswith(f"{name}=")]
    assert len(values) <= 1, f"{name} given {len(values)} times"
    return values[0] if values else None

"""``servescale deploy render`` on every overlay of deploy/: valid objects, builders that agree, inputs
filled in, bad input refused.

Every overlay is rendered through the CLI with ``kubectl kustomize`` and again with the builtin
builder, which must give the same bytes (also when kubectl is not on PATH). Every object validates
strictly against Kubernetes 1.33 and, for ServiceMonitor, PrometheusRule, Certificate and Issuer,
the CRDs' own schemas (tests/data/crds). How the objects are wired is in test_deploy_wiring.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from servescale.cli import app
from servescale.deploy.refresh import write_default_slot
from tests.integration.deploy_objects import validate_object
from tests.integration.deploy_rendering import (
    DEPLOY,
    IMAGE,
    OVERLAYS,
    PROMETHEUS,
    ROOT,
    adapter_container,
    find,
    flag,
    objects_of,
    one,
    render_text,
    rendered_overlays,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return rendered_overlays()


def test_the_overlays_are_the_documented_four() -> None:
    assert OVERLAYS == ["base", "cert-manager", "istio-kserve", "prometheus-operator"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_validates_strictly(rendered: dict[str, str], overlay: str) -> None:
    objects = objects_of(rendered[overlay])
    failures = []
    for obj in objects:
        try:
            validate_object(obj)
        except Exception as exc:
            failures.append(f"{obj['kind']}/{obj['metadata']['name']}: {str(exc)[:400]}")
    assert not failures, "\n".join(failures)
    assert objects[0]["kind"] == "Namespace", "the Namespace must be applied first"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_builtin_builder_gives_the_same_bytes_as_kubectl(rendered: dict[str, str], overlay: str) -> None:
    assert render_text(overlay, "builtin") == rendered[overlay]


def test_without_kubectl_on_path_the_builtin_builder_renders(
    rendered: dict[str, str], tmp_path: Path
) -> None:
    python_only = tmp_path / "bin"
    python_only.mkdir()
    (python_only / "python").symlink_to(sys.executable)
    args = ["deploy", "render", "--overlay", "cert-manager", "--out", "-"]
    result = CliRunner().invoke(app, args, env={"PATH": str(python_only)})
    assert result.exit_code == 0, result.output
    assert result.stdout == rendered["cert-manager"]


def test_rendered_inputs_are_filled_in(rendered: dict[str, str]) -> None:
    base = objects_of(rendered["base"])
    config_text = (ROOT / "examples/config/servescale.yaml").read_text()
    assert one(base, "ConfigMap", "servescale-config")["data"]["config.yaml"] == config_text
    operator = objects_of(rendered["prometheus-operator"])
    assert adapter_container(operator)["image"] == IMAGE
    assert flag(adapter_container(operator)["args"], "--prometheus-url") == PROMETHEUS
    assert (
        flag(adapter_container(base)["args"], "--prometheus-url")
        == "http://prometheus-k8s.monitoring.svc:9090"
    )
    assert adapter_container(base)["image"] == "servescale:0.1.0"
    rules = {r["metadata"]["name"] for r in find(operator, "PrometheusRule")}
    assert "servescale-autoscaling" in rules
    assert any("llama" in name for name in rules)
    for rule in find(operator, "PrometheusRule"):
        assert rule["metadata"]["labels"]["release"] == "kube-prometheus-stack"
        assert rule["metadata"]["namespace"] == "monitoring"


def test_checked_in_generated_slot_is_the_default_rendering(tmp_path: Path) -> None:
    checked_in = DEPLOY / "overlays/prometheus-operator/generated"
    write_default_slot(tmp_path)
    fresh = {p.name: p.read_text() for p in tmp_path.iterdir()}
    stale = {p.name: p.read_text() for p in checked_in.iterdir()}
    assert stale == fresh, (
        "deploy/overlays/prometheus-operator/generated is stale: run `make deploy-generated`"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--overlay", "kustomize-me"], "unknown overlay 'kustomize-me'", id="unknown-overlay"),
        pytest.param(
            ["--overlay", "base", "--slos", "examples/slos/llama.yaml"],
            "need an overlay with rules",
            id="slos-on-base",
        ),
        pytest.param(
            ["--overlay", "prometheus-operator", "--slos", "tests/unit/deploy/no-such.yaml"],
            "no-such.yaml",
            id="missing-slo",
        ),
        pytest.param(
            ["--overlay", "prometheus-operator", "--slos", "examples/config/servescale.yaml"],
            "servescale.yaml",
            id="not-an-slo-file",
        ),
        pytest.param(["--config", "examples/slos/llama.yaml"], "invalid --config", id="bad-catalogue"),
        pytest.param(["--image", "servescale"], "give a tag or a digest", id="image-without-tag"),
        pytest.param(["--image", "Servescale:1"], "is not an image name", id="image-upper-case"),
        pytest.param(["--prometheus-url", "prometheus:9090"], "--prometheus-url", id="url-without-scheme"),
        pytest.param(
            ["--overlay", "prometheus-operator", "--alerts-config", "examples/slos/llama.yaml"],
            "invalid alerts config",
            id="bad-alerts-config",
        ),
    ],
)
def test_bad_input_exits_2_naming_it(args: list[str], message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["deploy", "render", "--out", "-", *args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stdout == ""


def test_out_dir_holds_one_file_per_object_in_apply_order(rendered: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "99-stale-object.yaml").write_text("kind: Stale\n")
    (tmp_path / "kustomization.yaml").write_text("kept: true\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "servescale",
            "deploy",
            "render",
            "--overlay",
            "cert-manager",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    files = sorted(p for p in tmp_path.iterdir() if p.name != "kustomization.yaml")
    assert [yaml.safe_load(p.read_text()) for p in files] == objects_of(rendered["cert-manager"])
    assert files[0].name == "01-namespace-servescale.yaml"
    assert (tmp_path / "kustomization.yaml").read_text() == "kept: true\n"

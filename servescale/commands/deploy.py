"""``servescale deploy render``: the kustomize tree under ``deploy/`` filled in and built.

``deploy render [--overlay NAME] [--config F] [--slos F ...] [--alerts-config F] [--image REF]
[--prometheus-url URL] --out DIR|-``: the catalogue (``--config``) goes into the adapter's
ConfigMap; into an overlay with a ``generated/`` slot (``prometheus-operator``) go the
PrometheusRules for ``--slos`` and the autoscaling alerts, the Alertmanager Secret from the routes
of ``--alerts-config`` and the Grafana dashboard ConfigMaps; ``--image`` and ``--prometheus-url``
replace the adapter's image and Prometheus. ``kubectl kustomize`` builds the result when it is on
PATH, otherwise the builtin builder does (``--renderer`` picks one).

Bad input (an unknown overlay, a catalogue, SLO or alerts file that does not load, a malformed
image reference or Prometheus URL, SLOs for an overlay without rules) exits 2 naming it; kubectl
failing exits 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alerts.config import AlertsConfig, AlertsConfigError, load_alerts_config
from metrics_adapter.catalogue import Catalogue, CatalogueError, load_config
from metrics_adapter.promql import PrometheusConfig
from servescale.commands.cli_input import load_slo_files
from servescale.commands.conventions import ExitCode, fail
from servescale.deploy.dashboard_slot import dashboard_source
from servescale.deploy.image_ref import parse_image_ref
from servescale.deploy.output import manifest_stream, write_manifests
from servescale.deploy.render import (
    BASE,
    DeployInputs,
    KubectlError,
    KustomizeError,
    Renderer,
    UnknownOverlayError,
    has_generated_slot,
    render_overlay,
)

__all__ = ["DEFAULT_DEPLOY_DIR", "register"]

# The checkout's deploy/ (next to the packages); --deploy-dir names another copy.
DEFAULT_DEPLOY_DIR = Path(__file__).resolve().parents[2] / "deploy"


def _alerts_config(path: Path | None) -> AlertsConfig:
    if path is None:
        return AlertsConfig()
    try:
        return load_alerts_config(path)
    except AlertsConfigError as exc:
        fail(f"invalid alerts config:\n{exc}")
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror or exc}")
    except UnicodeDecodeError as exc:
        fail(f"cannot read {path}: not UTF-8 text ({exc.reason} at byte {exc.start})")


def _catalogue(path: Path | None) -> tuple[Catalogue, str | None]:
    try:
        catalogue = load_config(path)
    except CatalogueError as exc:
        fail(f"invalid --config:\n{exc}")
    return catalogue, None if path is None else path.read_text(encoding="utf-8")


def render_command(
    out: Annotated[str, typer.Option("--out", help="Directory for one file per object, or - for stdout.")],
    overlay: Annotated[str, typer.Option(help="base, or an overlay under deploy/overlays/.")] = BASE,
    config: Annotated[Path | None, typer.Option(help="Metric catalogue YAML for the adapter.")] = None,
    slos: Annotated[
        list[Path] | None, typer.Option("--slos", help="SLO spec file for the PrometheusRules; repeatable.")
    ] = None,
    alerts_config: Annotated[
        Path | None, typer.Option(help="Alerts configuration (rule options, Alertmanager routes).")
    ] = None,
    image: Annotated[str | None, typer.Option(help="Adapter image, name:tag or name@sha256:...")] = None,
    prometheus_url: Annotated[
        str | None, typer.Option(help="Prometheus the adapter queries, as its --prometheus-url.")
    ] = None,
    renderer: Annotated[Renderer, typer.Option(help="kubectl, builtin, or auto (kubectl when on PATH).")] = (
        Renderer.AUTO
    ),
    deploy_dir: Annotated[Path, typer.Option(help="The kustomize tree to render.")] = DEFAULT_DEPLOY_DIR,
) -> None:
    """Render the install manifests of an overlay with your catalogue, rules, routes and image."""
    if not (deploy_dir / BASE / "kustomization.yaml").is_file():
        fail(f"--deploy-dir {deploy_dir}: no {BASE}/kustomization.yaml there")
    try:
        generated = has_generated_slot(deploy_dir, overlay)
    except UnknownOverlayError as exc:
        fail(f"--overlay: {exc}")
    if (slos or alerts_config) and not generated:
        fail(f"--slos and --alerts-config need an overlay with rules (prometheus-operator), not {overlay!r}")
    try:
        ref = None if image is None else parse_image_ref(image)
    except ValueError as exc:
        fail(f"--image {exc}")
    if prometheus_url is not None:
        try:
            PrometheusConfig(base_url=prometheus_url)
        except ValueError as exc:
            fail(f"--prometheus-url: {exc}")
    catalogue, config_text = _catalogue(config)
    specs = load_slo_files(list(slos or []))
    inputs = DeployInputs(
        config_text=config_text,
        slos=tuple(specs),
        alerts_config=_alerts_config(alerts_config),
        image=ref,
        prometheus_url=prometheus_url,
        dashboards=dashboard_source(catalogue, specs),
    )
    try:
        objects = render_overlay(deploy_dir, overlay, inputs, renderer=renderer)
    except KubectlError as exc:
        fail(str(exc), ExitCode.FAILED)
    except (KustomizeError, ValueError) as exc:
        fail(str(exc))
    if out == "-":
        typer.echo(manifest_stream(objects), nl=False)
        return
    try:
        written = write_manifests(objects, Path(out))
    except OSError as exc:
        fail(f"--out {out}: cannot write: {exc.strerror or exc}")
    typer.echo(f"{len(written)} objects written to {out}", err=True)


def register(app: typer.Typer) -> None:
    """Add the ``deploy`` command group to ``app``."""
    deploy_app = typer.Typer(
        name="deploy", help="Install manifests: kustomize overlays filled in.", no_args_is_help=True
    )
    deploy_app.command("render")(render_command)
    app.add_typer(deploy_app, name="deploy")

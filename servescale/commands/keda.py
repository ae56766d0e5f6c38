"""``servescale manifests keda``: KEDA ScaledObjects for the config's workloads, scaled by our external
scaler (``servescale serve --keda-port``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from autoscaler.simulation.hpa_manifests import ManifestError, load_autoscaling_config, write_manifests_text
from autoscaler.simulation.keda_manifests import build_scaled_objects
from metrics_adapter.catalogue import CatalogueError, ConfigError, load_config
from servescale.commands.conventions import fail
from servescale.commands.options import CatalogueConfigOption

__all__ = ["manifests_keda_command"]


def manifests_keda_command(
    config: Annotated[Path, typer.Option("--config", help="Config file with an autoscaling section.")],
    scaler_address: Annotated[
        str,
        typer.Option("--scaler-address", help="host:port KEDA reaches servescale's external scaler on."),
    ] = "servescale.servescale.svc:9443",
    out: Annotated[Path | None, typer.Option("--out", help="Write here instead of standard output.")] = None,
    catalogue_config: CatalogueConfigOption = None,
) -> None:
    """KEDA ScaledObjects (keda.sh/v1alpha1) from the config's autoscaling section; minReplicas 0
    scales to zero, the first queued request wakes the workload (external-push triggers)."""
    try:
        catalogue = load_config(catalogue_config)
    except (CatalogueError, ConfigError, OSError) as exc:
        fail(f"--catalogue-config: {exc}")
    try:
        objects = build_scaled_objects(
            load_autoscaling_config(config), catalogue, scaler_address=scaler_address
        )
    except ManifestError as exc:
        fail(str(exc))
    text = write_manifests_text(objects)
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"--out {out}: cannot write: {exc.strerror or exc}")
    typer.echo(f"wrote {len(objects)} ScaledObject(s) to {out}")

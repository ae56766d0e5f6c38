"""The ``servescale`` command line: one typer app, each subcommand registered from its module."""

from __future__ import annotations

import typer

from servescale.commands import alerts, dashboards, demo, hpa, sandbox, serve, simulate, slo

app = typer.Typer(
    name="servescale",
    help="Metrics API, HPA simulation, SLOs, alerts and dashboards for ML model serving.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

for module in (sandbox, demo, serve, hpa, simulate, slo, alerts, dashboards):
    module.register(app)


def main() -> None:
    """Console-script entry point."""
    app()

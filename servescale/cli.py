"""The ``servescale`` command line: one typer app, each subcommand registered from its module."""

from __future__ import annotations

from importlib.metadata import version
from typing import Annotated

import typer

from servescale.commands import alerts, dashboards, demo, deploy, hpa, sandbox, serve, simulate, slo
from servescale.commands.conventions import ExitCode

app = typer.Typer(
    name="servescale",
    help="Metrics API, HPA simulation, SLOs, alerts and dashboards for ML model serving.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"servescale {version('servescale')}")
        raise typer.Exit(code=ExitCode.OK)


@app.callback()
def _root(
    show_version: Annotated[
        bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Metrics API, HPA simulation, SLOs, alerts and dashboards for ML model serving."""


for module in (sandbox, demo, serve, hpa, simulate, slo, alerts, deploy, dashboards):
    module.register(app)


def main() -> None:
    """Console-script entry point."""
    app()

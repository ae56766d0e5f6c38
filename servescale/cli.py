"""The ``servescale`` command line: one typer app whose subcommands are loaded when they run.

Each subcommand's module (and the libraries it needs: pandas, matplotlib, fastapi, ...) is imported
only when that subcommand is invoked, so ``--help``, ``--version`` and the light commands start
fast. :data:`SUBCOMMANDS` names the module of every subcommand and the summary ``--help`` lists
for it; a unit test holds the summaries equal to the commands' own help. This module knows no
command's options.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from importlib.metadata import version
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from servescale.commands.conventions import ExitCode

if TYPE_CHECKING:  # the click that typer's own signatures use
    from typer._click import Command, Context

__all__ = [
    "SUBCOMMANDS",
    "LazySubcommands",
    "Subcommand",
    "SubcommandTable",
    "app",
    "load_subcommand",
    "main",
]


@dataclass(frozen=True)
class Subcommand:
    """Where a subcommand is registered (the module's ``register(app)``) and its one-line summary."""

    module: str
    summary: str


SUBCOMMANDS: dict[str, Subcommand] = {  # in the order --help lists them
    "sandbox": Subcommand(
        "servescale.commands.sandbox",
        "Serve a simulated ML model-serving fleet's Istio, DCGM, queue and kube-state metrics.",
    ),
    "demo": Subcommand(
        "servescale.commands.demo",
        "Run the sandbox fleet with a real Prometheus and print what Prometheus reports, live.",
    ),
    "serve": Subcommand(
        "servescale.commands.serve",
        "Serve custom.metrics.k8s.io and external.metrics.k8s.io from Prometheus.",
    ),
    "simulate": Subcommand(
        "servescale.commands.simulate",
        "Run the sandbox fleet in virtual time with HPAs driven by the exact algorithm.",
    ),
    "backtest": Subcommand(
        "servescale.commands.simulate",
        "Replay an HPA on the recorded history of its metric and compare with what actually ran.",
    ),
    "recommend": Subcommand(
        "servescale.commands.simulate",
        "Fit latency against per-pod load and propose a target, replica bounds and the HPA manifest.",
    ),
    "metrics": Subcommand("servescale.commands.serve", "Inspect the metric catalogue."),
    "hpa": Subcommand("servescale.commands.hpa", "Exact Kubernetes HPA decisions on recorded inputs."),
    "manifests": Subcommand("servescale.commands.simulate", "Generate Kubernetes manifests."),
    "slo": Subcommand("servescale.commands.slo", "Evaluate SLOs against Prometheus; write reports."),
    "alerts": Subcommand(
        "servescale.commands.alerts", "Prometheus rules, promtool tests and Alertmanager routes."
    ),
    "deploy": Subcommand("servescale.commands.deploy", "Install manifests: kustomize overlays filled in."),
    "dashboards": Subcommand("servescale.commands.dashboards", "Grafana dashboards: export, push, preview."),
}


def load_subcommand(name: str) -> Command:
    """The command ``name`` as its module registers it (the module is imported now)."""
    registered = typer.Typer()
    importlib.import_module(SUBCOMMANDS[name].module).register(registered)
    group = typer.main.get_group(registered)
    command = group.commands.get(name)
    if command is None:
        raise LookupError(f"{SUBCOMMANDS[name].module} registers no {name!r} command")
    return command


class SubcommandTable(MutableMapping[str, "Command"]):
    """The root group's ``commands``: every name of :data:`SUBCOMMANDS`, each loaded when looked up."""

    def __init__(self) -> None:
        self._loaded: dict[str, Command] = {}

    def __getitem__(self, name: str) -> Command:
        if name not in self._loaded:
            if name not in SUBCOMMANDS:
                raise KeyError(name)
            self._loaded[name] = load_subcommand(name)
        return self._loaded[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*SUBCOMMANDS, *self._loaded]))

    def __len__(self) -> int:
        return len(dict.fromkeys([*SUBCOMMANDS, *self._loaded]))

    def __contains__(self, name: object) -> bool:
        return name in SUBCOMMANDS or name in self._loaded


class LazySubcommands(TyperGroup):
    """The root group: lists :data:`SUBCOMMANDS` from their summaries, loads one only to run it."""

    _listing = False

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = SubcommandTable()

    def list_commands(self, ctx: Context) -> list[str]:
        return list(self.commands)

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        if self._listing and cmd_name in SUBCOMMANDS:
            return TyperCommand(cmd_name, help=SUBCOMMANDS[cmd_name].summary)
        return self.commands.get(cmd_name)

    def get_help(self, ctx: Context) -> str:
        """The help page, listing the subcommands without loading them."""
        self._listing = True
        try:
            return super().get_help(ctx)
        finally:
            self._listing = False


app = typer.Typer(
    name="servescale",
    help="Metrics API, HPA simulation, SLOs, alerts and dashboards for ML model serving.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    cls=LazySubcommands,
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


def main() -> None:
    """Console-script entry point."""
    app()

"""``servescale demo``: the sandbox fleet and a real Prometheus, with a live table of their figures."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from autoscaler.sandbox import ScenarioError, default_scenario, load_scenario
from metrics_adapter.pods.prometheus_source import PrometheusPodSource
from metrics_adapter.promql import Duration, HttpPrometheusClient, PrometheusConfig, PrometheusError
from servescale.demo.fleet_summary import collect
from servescale.demo.stack import running_stack
from servescale.demo.table import figures_table
from servescale.stack.prometheus import StackError


async def _watch(prometheus_url: str, *, refresh: float, duration: float | None, console: Console) -> None:
    started = time.monotonic()
    async with HttpPrometheusClient(PrometheusConfig(base_url=prometheus_url)) as client:
        pods = PrometheusPodSource(client)
        while duration is None or time.monotonic() - started < duration:
            elapsed = time.monotonic() - started
            try:
                index = await pods.refresh()
                rows = await collect(client, index, window=Duration(15))
                console.print(figures_table(rows, title=f"t={elapsed:5.0f}s  read back from Prometheus"))
            except PrometheusError as exc:
                console.print(f"[yellow]Prometheus not answering yet: {exc}[/yellow]")
            await asyncio.sleep(refresh)


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        scenario: Annotated[Path | None, typer.Option(help="Scenario YAML; built-in when omitted.")] = None,
        refresh: Annotated[float, typer.Option(help="Seconds between tables.")] = 3.0,
        duration: Annotated[float | None, typer.Option(help="Stop after this many seconds.")] = None,
    ) -> None:
        """Run the sandbox fleet with a real Prometheus and print what Prometheus reports, live."""
        console = Console()
        try:
            chosen = load_scenario(scenario) if scenario else default_scenario()
        except ScenarioError as exc:
            console.print(f"[red]invalid scenario:[/red] {exc}")
            raise typer.Exit(2) from exc
        try:
            with running_stack(chosen) as stack:
                console.print(
                    f"sandbox {stack.sandbox.url}  prometheus {stack.prometheus.url}  (Ctrl-C stops)"
                )
                asyncio.run(_watch(stack.prometheus.url, refresh=refresh, duration=duration, console=console))
        except KeyboardInterrupt:
            console.print("stopping")
        except StackError as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from exc
        console.print("sandbox and Prometheus stopped")

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
from servescale.demo.adapter_answers import adapter_columns
from servescale.demo.fleet_summary import collect
from servescale.demo.stack import running_stack
from servescale.demo.table import figures_table
from servescale.stack.adapter import running_adapter
from servescale.stack.prometheus import StackError


async def _watch(
    prometheus_url: str, adapter_url: str, *, refresh: float, duration: float | None, console: Console
) -> None:
    started = time.monotonic()
    async with HttpPrometheusClient(PrometheusConfig(base_url=prometheus_url)) as client:
        pods = PrometheusPodSource(client)
        while duration is None or time.monotonic() - started < duration:
            elapsed = time.monotonic() - started
            try:
                index = await pods.refresh()
                rows = await collect(client, index, window=Duration(15))
                models = [(row.namespace, row.deployment) for row in rows]
                extra = await adapter_columns(adapter_url, models)
                title = f"t={elapsed:5.0f}s  Prometheus figures | metrics API answers (Object metrics)"
                console.print(figures_table(rows, title=title, extra=extra))
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
        if not console.is_terminal:
            console = Console(width=140)
        try:
            chosen = load_scenario(scenario) if scenario else default_scenario()
        except ScenarioError as exc:
            console.print(f"[red]invalid scenario:[/red] {exc}")
            raise typer.Exit(2) from exc
        try:
            with running_stack(chosen) as stack, running_adapter(stack.prometheus.url) as adapter:
                console.print(f"sandbox {stack.sandbox.url}  prometheus {stack.prometheus.url}")
                console.print(f"metrics API {adapter.url}  (Ctrl-C stops)")
                watch = _watch(
                    stack.prometheus.url, adapter.url, refresh=refresh, duration=duration, console=console
                )
                asyncio.run(watch)
        except KeyboardInterrupt:
            console.print("stopping")
        except (StackError, RuntimeError) as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from exc
        console.print("sandbox, Prometheus and the metrics API stopped")

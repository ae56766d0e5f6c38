"""``servescale demo``: the sandbox fleet and a real Prometheus, with a live table of their figures."""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from autoscaler.closed_loop import HPAController, LoopDecision
from autoscaler.hpa import HorizontalPodAutoscaler
from autoscaler.sandbox import Scenario, ScenarioError, load_scenario
from autoscaler.simulation.hpa_file import HpaFileError, load_hpa_file
from metrics_adapter.pods.prometheus_source import PrometheusPodSource
from metrics_adapter.promql import Duration, HttpPrometheusClient, PrometheusConfig, PrometheusError
from servescale.commands.conventions import ExitCode, fail
from servescale.demo.adapter_answers import adapter_columns
from servescale.demo.fleet_summary import collect
from servescale.demo.stack import running_stack
from servescale.demo.table import figures_table
from servescale.stack.adapter import running_adapter
from servescale.stack.prometheus import StackError

DEMO_DIR = Path(__file__).resolve().parents[1] / "demo"


def _log_decision(console: Console, started: float) -> Callable[[LoopDecision], None]:
    def log(decision: LoopDecision) -> None:
        elapsed = time.monotonic() - started
        if decision.error is not None:
            console.print(f"[yellow]t={elapsed:5.0f}s HPA {decision.hpa}: {decision.error}[/yellow]")
        elif decision.scaled:
            console.print(
                f"[bold green]t={elapsed:5.0f}s HPA {decision.hpa} scaled "
                f"{decision.current_replicas} -> {decision.desired_replicas}[/bold green]"
            )

    return log


async def _watch(
    prometheus_url: str,
    adapter_url: str,
    *,
    controller: HPAController | None,
    sync_period: float,
    refresh: float,
    duration: float | None,
    console: Console,
) -> None:
    started = time.monotonic()
    loop = asyncio.create_task(controller.run(period=sync_period)) if controller is not None else None
    try:
        await _tables(
            prometheus_url, adapter_url, started, refresh=refresh, duration=duration, console=console
        )
    finally:
        if loop is not None:
            loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await loop


async def _tables(
    prometheus_url: str,
    adapter_url: str,
    started: float,
    *,
    refresh: float,
    duration: float | None,
    console: Console,
) -> None:
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


ScenarioOption = Annotated[Path | None, typer.Option(help="Scenario YAML (demo spike).")]
HpaOption = Annotated[Path | None, typer.Option(help="HPAs to emulate (demo HPA).")]
NoHpaOption = Annotated[bool, typer.Option("--no-hpa", help="Do not run the HPA loop.")]
SyncPeriodOption = Annotated[float, typer.Option(help="HPA sync period, seconds.")]
RefreshOption = Annotated[float, typer.Option(help="Seconds between tables.")]
DurationOption = Annotated[float | None, typer.Option(help="Stop after this many seconds.")]


def _check_seconds(**options: float | None) -> None:
    """Exit 2 unless every given number of seconds (keyed by option, ``--`` left out) is finite and > 0."""
    for name, seconds in options.items():
        if seconds is not None and not (math.isfinite(seconds) and seconds > 0):
            fail(f"--{name.replace('_', '-')} must be a finite number of seconds > 0, got {seconds:g}")


def _inputs(
    scenario: Path | None, hpa: Path | None, *, no_hpa: bool
) -> tuple[Scenario, tuple[HorizontalPodAutoscaler, ...]]:
    """The scenario and the HPAs to run; the demo's own when not given."""
    try:
        chosen = load_scenario(scenario or DEMO_DIR / "demo_scenario.yaml")
    except ScenarioError as exc:
        fail(f"--scenario: {exc}")
    try:
        hpas = () if no_hpa else load_hpa_file(hpa or DEMO_DIR / "demo_hpa.yaml")
    except HpaFileError as exc:
        fail(f"--hpa: {exc}")
    return chosen, hpas


def demo(
    scenario: ScenarioOption = None,
    hpa: HpaOption = None,
    no_hpa: NoHpaOption = False,
    sync_period: SyncPeriodOption = 15.0,
    refresh: RefreshOption = 3.0,
    duration: DurationOption = None,
) -> None:
    """Run the sandbox fleet with a real Prometheus and print what Prometheus reports, live."""
    console = Console()
    if not console.is_terminal:
        console = Console(width=140)
    _check_seconds(sync_period=sync_period, refresh=refresh, duration=duration)
    chosen, hpas = _inputs(scenario, hpa, no_hpa=no_hpa)
    try:
        with running_stack(chosen) as stack, running_adapter(stack.prometheus.url) as adapter:
            console.print(f"sandbox {stack.sandbox.url}  prometheus {stack.prometheus.url}")
            console.print(f"metrics API {adapter.url}  (Ctrl-C stops)")
            console.print(
                "dashboards: servescale dashboards export --out DIR; as PNGs: servescale dashboards "
                f"preview --prometheus-url {stack.prometheus.url} --out DIR; previews: docs/dashboards/"
            )
            controller = None
            if hpas:
                controller = HPAController(
                    hpas,
                    sandbox_url=stack.sandbox.url,
                    metrics_api_url=adapter.url,
                    on_decision=_log_decision(console, time.monotonic()),
                )
            watch = _watch(
                stack.prometheus.url,
                adapter.url,
                controller=controller,
                sync_period=sync_period,
                refresh=refresh,
                duration=duration,
                console=console,
            )
            asyncio.run(watch)
    except KeyboardInterrupt:
        console.print("stopping")
    except (StackError, RuntimeError) as exc:
        fail(str(exc), ExitCode.FAILED)
    console.print("sandbox, Prometheus and the metrics API stopped")


def register(app: typer.Typer) -> None:
    """Add the ``demo`` command to ``app``."""
    app.command()(demo)

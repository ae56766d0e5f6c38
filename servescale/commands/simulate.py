"""``servescale simulate | backtest | recommend | manifests hpa``: offline autoscaling commands.

* ``simulate``: the sandbox fleet in virtual time scaled by HPA manifests (exact algorithm);
* ``backtest``: an HPA replayed on Prometheus history, against the replicas that actually ran;
* ``recommend``: a per-pod target from how latency grew with load, and the HPA manifest for it;
* ``manifests hpa``: HPA manifests from the ``autoscaling`` section of a config file.

Bad input exits with status 2 and a message naming the option or field; a failed fetch or fit
exits with status 1.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from autoscaler.hpa import ControllerConfig, HorizontalPodAutoscaler
from autoscaler.sandbox import (
    Scenario,
    ScenarioError,
    UnknownDeploymentError,
    default_scenario,
    load_scenario,
)
from autoscaler.simulation.backtest import BacktestSummary, run_backtest, summarise_backtest
from autoscaler.simulation.closed_loop import SimulationSettings, simulate
from autoscaler.simulation.history_query import HistoryQuery, metric_history_query, replicas_query
from autoscaler.simulation.hpa_file import HpaFileError, load_hpa_file
from autoscaler.simulation.hpa_manifests import (
    ManifestError,
    build_manifests,
    hpa_manifest,
    load_autoscaling_config,
    write_manifests_text,
)
from autoscaler.simulation.latency_fit import FitError
from autoscaler.simulation.prometheus_history import (
    FloatArray,
    HistoryFetchError,
    HistoryGrid,
    PrometheusHistory,
)
from autoscaler.simulation.recommend import TargetRecommendation, recommend_target
from autoscaler.simulation.recommend_history import LoadLatencyHistory, fetch_load_latency
from autoscaler.simulation.replay_spec import ReplayKind, UnsupportedReplayError
from autoscaler.simulation.reports import write_backtest, write_recommendation, write_simulation
from autoscaler.simulation.timeline import summarise, timeline_frame
from metrics_adapter.catalogue import Catalogue, CatalogueError, ConfigError, load_config
from metrics_adapter.kube import format_quantity
from metrics_adapter.promql import Duration
from servescale.commands.cli_input import check_prometheus_url
from servescale.commands.conventions import ExitCode, fail, parse_duration, parse_time
from servescale.commands.keda import manifests_keda_command
from servescale.commands.options import (
    CatalogueConfigOption,
    FromOption,
    LatencyObjectiveOption,
    PrometheusUrlOption,
    StepOption,
    ToOption,
)
from servescale.commands.policies import backtest_policies, parse_policies, run_policy_comparison

__all__ = ["register"]

ENGINES = ("auto", "scalar", "vectorised")

OutOption = Annotated[Path, typer.Option("--out", help="Directory for the CSV and PNG files.")]
SimulateHpaOption = Annotated[
    Path, typer.Option("--hpa", help="HPA manifest(s), autoscaling/v2 YAML or JSON.")
]
DurationOption = Annotated[str, typer.Option("--duration", help="Virtual time to simulate (30m, 4h).")]
SimulateScenarioOption = Annotated[
    Path | None, typer.Option("--scenario", help="Sandbox scenario; the built-in one when omitted.")
]
SyncPeriodOption = Annotated[str, typer.Option("--sync-period", help="HPA sync period.")]
SampleIntervalOption = Annotated[str, typer.Option("--sample-interval", help="Truth sampling (scrape).")]
SimulatePoliciesOption = Annotated[
    str | None,
    typer.Option(
        "--policies",
        help="Compare policies for the one HPA side by side: reactive,predictive,fixed,scale-to-zero.",
    ),
]
BacktestHpaOption = Annotated[Path, typer.Option("--hpa", help="The HPA manifest to replay (one metric).")]
EngineOption = Annotated[str, typer.Option("--engine", help="auto, scalar or vectorised.")]
BacktestPoliciesOption = Annotated[
    str | None,
    typer.Option(
        "--policies", help="Replay the recorded demand through policies: reactive,predictive,fixed."
    ),
]
BacktestScenarioOption = Annotated[
    Path | None,
    typer.Option("--scenario", help="With --policies: the Deployment's model (capacity, start-up)."),
]
NamespaceOption = Annotated[str, typer.Option("--namespace")]
DeploymentOption = Annotated[str, typer.Option("--deployment")]
MetricOption = Annotated[str, typer.Option("--metric", help="Catalogue metric to scale on.")]
LatencyThresholdOption = Annotated[float, typer.Option("--latency-threshold-ms")]
LatencyPercentileOption = Annotated[int, typer.Option("--latency-percentile")]
RateWindowOption = Annotated[
    str | None,
    typer.Option(
        "--rate-window",
        help="Window of the load's rate and the latency quantile instead of the catalogue's (1m by "
        "default): shorter follows a fast-changing load, but must hold a few scrape intervals.",
    ),
]
HeadroomOption = Annotated[float, typer.Option("--headroom", min=0.0, max=0.95)]


def _catalogue(path: Path | None) -> Catalogue:
    try:
        return load_config(path)
    except (ConfigError, CatalogueError) as exc:
        fail(f"--catalogue-config: {exc}")


def _hpas(path: Path) -> tuple[HorizontalPodAutoscaler, ...]:
    try:
        return load_hpa_file(path)
    except HpaFileError as exc:
        fail(f"--hpa: {exc}")


def _scenario(path: Path | None) -> Scenario:
    try:
        return default_scenario() if path is None else load_scenario(path)
    except ScenarioError as exc:
        fail(f"--scenario: {exc}")


def _output_dir(out: Path) -> None:
    """Create ``--out`` before any work, so an unusable directory fails at once (exit 2)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"--out {out}: cannot create the directory: {exc.strerror or exc}")


def _write(out: Path, write: Callable[[], list[Path]]) -> list[Path]:
    """What ``write`` wrote into ``out``; exits 2 when it cannot write there."""
    try:
        return write()
    except OSError as exc:
        fail(f"--out {out}: cannot write: {exc.strerror or exc}")


def _print_written(console: Console, paths: list[Path]) -> None:
    for path in paths:
        console.print(f"wrote {path}")


def _simulation_settings(duration: str, sync_period: str, sample_interval: str) -> SimulationSettings:
    try:
        return SimulationSettings(
            duration_seconds=parse_duration(duration, "--duration").total_seconds(),
            sync_period_seconds=parse_duration(sync_period, "--sync-period").total_seconds(),
            sample_interval_seconds=parse_duration(sample_interval, "--sample-interval").total_seconds(),
        )
    except ValueError as exc:
        fail(str(exc))


def _simulate(
    scenario: Scenario,
    hpas: tuple[HorizontalPodAutoscaler, ...],
    settings: SimulationSettings,
    console: Console,
) -> pd.DataFrame:
    """The timeline of the simulation, with a progress bar for runs of an hour of virtual time or more."""
    with Progress(console=console, transient=True, disable=settings.duration_seconds < 3600) as progress:
        task = progress.add_task("simulating", total=settings.duration_seconds)
        try:
            rows = simulate(
                scenario, hpas, settings=settings, progress=lambda t: progress.update(task, completed=t)
            )
        except (UnknownDeploymentError, ValueError) as exc:
            fail(f"--hpa: {exc}")
    return timeline_frame(rows)


def _simulation_table(frame: pd.DataFrame, *, title: str, latency_objective_ms: float) -> Table:
    table = Table(title=title)
    for column in (
        "deployment",
        "GPU-hours",
        f"time above {latency_objective_ms:g} ms",
        "scale events",
        "replicas",
    ):
        table.add_column(column)
    for s in summarise(frame, latency_objective_ms=latency_objective_ms):
        table.add_row(
            f"{s.namespace}/{s.deployment}",
            f"{s.gpu_hours:.2f}",
            f"{s.seconds_above_objective:g} s",
            str(s.scale_events),
            f"{s.min_replicas_seen}..{s.max_replicas_seen}",
        )
    return table


def simulate_command(
    hpa_file: SimulateHpaOption,
    duration: DurationOption,
    scenario_file: SimulateScenarioOption = None,
    out: OutOption = Path("simulation-out"),
    sync_period: SyncPeriodOption = "15s",
    sample_interval: SampleIntervalOption = "5s",
    latency_objective_ms: LatencyObjectiveOption = 500.0,
    policies: SimulatePoliciesOption = None,
) -> None:
    """Run the sandbox fleet in virtual time with HPAs driven by the exact algorithm."""
    console = Console()
    settings = _simulation_settings(duration, sync_period, sample_interval)
    scenario, hpas = _scenario(scenario_file), _hpas(hpa_file)
    _output_dir(out)
    if policies is not None:
        run_policy_comparison(
            scenario,
            hpas,
            policies=parse_policies(policies),
            settings=settings,
            latency_objective_ms=latency_objective_ms,
            out=out,
            console=console,
        )
        return
    started = time.perf_counter()
    frame = _simulate(scenario, hpas, settings, console)
    title = f"{settings.duration_seconds:g} s simulated in {time.perf_counter() - started:.1f} s"
    console.print(_simulation_table(frame, title=title, latency_objective_ms=latency_objective_ms))
    paths = _write(out, lambda: write_simulation(frame, out, latency_objective_ms=latency_objective_ms))
    _print_written(console, paths)


def _times(start: str, end: str) -> tuple[datetime, datetime]:
    """``--from`` and ``--to``, relative times counted from one instant."""
    now = datetime.now(UTC)
    return parse_time(start, "--from", now=now), parse_time(end, "--to", now=now)


def _grid(begin: datetime, finish: datetime, step: timedelta, *, options: str) -> HistoryGrid:
    try:
        return HistoryGrid(begin, finish, step)
    except ValueError as exc:
        fail(f"{options}: {exc}")


def _replay_query(hpa: HorizontalPodAutoscaler, catalogue: Catalogue) -> tuple[HistoryQuery, ReplayKind]:
    try:
        return metric_history_query(hpa, catalogue)
    except UnsupportedReplayError as exc:
        fail(f"--hpa: {exc}")


def _recorded(
    prometheus_url: str, hpa: HorizontalPodAutoscaler, query: HistoryQuery, grid: HistoryGrid
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The HPA's metric and the replicas that actually ran (status and spec) over ``grid``."""
    history = PrometheusHistory(prometheus_url)
    target = dict(namespace=hpa.namespace, deployment=hpa.scale_target_ref.name)
    try:
        return (
            history.series(query, grid),
            history.series(replicas_query("kube_deployment_status_replicas", **target), grid),
            history.series(replicas_query("kube_deployment_spec_replicas", **target), grid),
        )
    except HistoryFetchError as exc:
        fail(f"cannot read history from {prometheus_url}: {exc}", ExitCode.FAILED)


def _print_backtest(console: Console, promql: str, summary: BacktestSummary) -> None:
    console.print(f"PromQL: {promql}")
    console.print(
        f"{summary.steps} cycles ({summary.missing_metric_steps} without a metric sample), "
        f"{summary.engine} engine"
    )
    actual_hours = "unknown" if summary.gpu_hours_actual is None else f"{summary.gpu_hours_actual:.2f}"
    console.print(f"GPU-hours: replayed HPA {summary.gpu_hours_simulated:.2f}, actually ran {actual_hours}")
    console.print(
        f"scale events: replayed {summary.scale_events_simulated}, actual {summary.scale_events_actual}"
    )


def backtest_command(
    prometheus_url: PrometheusUrlOption,
    hpa_file: BacktestHpaOption,
    start: FromOption,
    end: ToOption = "now",
    step: StepOption = "15s",
    out: OutOption = Path("backtest-out"),
    engine: EngineOption = "auto",
    catalogue_config: CatalogueConfigOption = None,
    policies: BacktestPoliciesOption = None,
    scenario_file: BacktestScenarioOption = None,
    latency_objective_ms: LatencyObjectiveOption = 500.0,
) -> None:
    """Replay an HPA on the recorded history of its metric and compare with what actually ran."""
    console = Console()
    if engine not in ENGINES:
        fail(f"--engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    check_prometheus_url(prometheus_url)
    step_delta = parse_duration(step, "--step")
    grid = _grid(*_times(start, end), step_delta, options="--from/--to")
    if policies is not None:
        if scenario_file is None:
            fail("--policies needs --scenario: the model of the Deployment the demand is replayed on")
        _output_dir(out)
        backtest_policies(
            PrometheusHistory(prometheus_url),
            catalogue=_catalogue(catalogue_config),
            scenario=_scenario(scenario_file),
            hpas=_hpas(hpa_file),
            grid=grid,
            policies=parse_policies(policies),
            latency_objective_ms=latency_objective_ms,
            out=out,
            console=console,
        )
        return
    hpa = _hpas(hpa_file)[0]
    query, kind = _replay_query(hpa, _catalogue(catalogue_config))
    _output_dir(out)
    metric, actual, spec = _recorded(prometheus_url, hpa, query, grid)
    try:
        frame, used = run_backtest(
            hpa, kind=kind, metric=metric, actual_replicas=actual, actual_spec_replicas=spec,
            step=step_delta, config=ControllerConfig(), engine=engine,
        )  # fmt: skip
    except UnsupportedReplayError as exc:
        fail(f"--engine {engine}: {exc}")
    _print_backtest(console, query.promql, summarise_backtest(frame, step=step_delta, engine=used))
    title = f"{hpa.namespace}/{hpa.name} replayed on {grid.start:%Y-%m-%d %H:%M} .. {grid.end:%H:%M} UTC"
    paths = _write(out, lambda: write_backtest(frame, out, title=title, metric_label=hpa.metrics[0].name))
    _print_written(console, paths)


def _recommendation(
    history: LoadLatencyHistory, *, threshold_ms: float, headroom: float
) -> TargetRecommendation:
    usable = history.usable
    try:
        return recommend_target(
            history.per_pod_load[usable], history.latency_ms[usable], history.settled_total_load,
            threshold_ms=threshold_ms, headroom=headroom,
        )  # fmt: skip
    except FitError as exc:
        fail(f"cannot recommend a target: {exc} ({history.describe()})", ExitCode.FAILED)


def _recommended_hpa(
    catalogue: Catalogue, metric: str, *, namespace: str, deployment: str, result: TargetRecommendation
) -> dict[str, Any]:
    """The HPA for the target: a Pods metric when the catalogue describes pods, else an Object one."""
    target = {"type": "AverageValue", "averageValue": format_quantity(result.target_per_pod)}
    entry: dict[str, Any] = {"type": "Pods", "pods": {"metric": {"name": metric}, "target": target}}
    if not any(str(resource) == "pods" for resource in catalogue.get(metric).resources):
        described = {"apiVersion": "apps/v1", "kind": "Deployment", "name": deployment}
        entry = {
            "type": "Object",
            "object": {"describedObject": described, "metric": {"name": metric}, "target": target},
        }
    return hpa_manifest(
        name=deployment, namespace=namespace, deployment=deployment, metric=entry,
        min_replicas=result.min_replicas, max_replicas=result.max_replicas,
    )  # fmt: skip


def _print_recommendation(
    console: Console, result: TargetRecommendation, *, metric: str, percentile: int, threshold_ms: float,
    headroom: float,
) -> None:  # fmt: skip
    console.print(f"fit: {result.fit.describe()}")
    reach = (
        "not reached in the observed range"
        if result.load_at_threshold is None
        else f"{result.load_at_threshold:.3g}"
    )
    console.print(f"p{percentile} reaches {threshold_ms:g} ms at per-pod {metric} = {reach}")
    console.print(
        f"target {result.target_per_pod:g} per pod ({headroom:.0%} headroom), "
        f"replicas {result.min_replicas}..{result.max_replicas}"
    )


def recommend_command(
    prometheus_url: PrometheusUrlOption,
    namespace: NamespaceOption,
    deployment: DeploymentOption,
    metric: MetricOption,
    latency_threshold_ms: LatencyThresholdOption,
    latency_percentile: LatencyPercentileOption = 95,
    start: FromOption = "now-1h",
    end: ToOption = "now",
    step: StepOption = "15s",
    rate_window: RateWindowOption = None,
    headroom: HeadroomOption = 0.2,
    out: OutOption = Path("recommend-out"),
    catalogue_config: CatalogueConfigOption = None,
) -> None:
    """Fit latency against per-pod load and propose a target, replica bounds and the HPA manifest."""
    console = Console()
    if not (math.isfinite(latency_threshold_ms) and latency_threshold_ms > 0):
        fail(f"--latency-threshold-ms must be a finite number > 0, got {latency_threshold_ms:g}")
    check_prometheus_url(prometheus_url)
    window = None
    if rate_window is not None:
        window = Duration(parse_duration(rate_window, "--rate-window").total_seconds())
    begin, finish = _times(start, end)
    grid = _grid(begin, finish, parse_duration(step, "--step"), options="--from/--to/--step")
    catalogue = _catalogue(catalogue_config)
    _output_dir(out)
    try:
        history = fetch_load_latency(
            PrometheusHistory(prometheus_url), catalogue, grid,
            namespace=namespace, deployment=deployment, metric=metric, percentile=latency_percentile,
            rate_window=window,
        )  # fmt: skip
    except UnsupportedReplayError as exc:
        fail(str(exc))
    except HistoryFetchError as exc:
        fail(f"cannot read history from {prometheus_url}: {exc}", ExitCode.FAILED)
    console.print(f"history: {history.describe()}")
    result = _recommendation(history, threshold_ms=latency_threshold_ms, headroom=headroom)
    manifest = _recommended_hpa(catalogue, metric, namespace=namespace, deployment=deployment, result=result)
    _print_recommendation(
        console, result, metric=metric, percentile=latency_percentile, threshold_ms=latency_threshold_ms,
        headroom=headroom,
    )  # fmt: skip
    title = f"{namespace}/{deployment}: p{latency_percentile} latency vs per-pod {metric}"
    paths = _write(out, lambda: write_recommendation(
        out, seconds=history.seconds, per_pod_load=history.per_pod_load, latency_ms=history.latency_ms,
        used=history.usable, recommendation=result, threshold_ms=latency_threshold_ms, manifest=manifest,
        title=title,
    ))  # fmt: skip
    typer.echo(write_manifests_text([manifest]))
    _print_written(console, paths)


def manifests_hpa_command(
    config: Annotated[Path, typer.Option("--config", help="Config file with an autoscaling section.")],
    out: Annotated[Path | None, typer.Option("--out", help="Write here instead of standard output.")] = None,
    catalogue_config: CatalogueConfigOption = None,
) -> None:
    """HorizontalPodAutoscaler manifests (autoscaling/v2) from the config's autoscaling section."""
    catalogue = _catalogue(catalogue_config)
    try:
        manifests = build_manifests(load_autoscaling_config(config), catalogue)
    except ManifestError as exc:
        fail(str(exc))
    text = write_manifests_text(manifests)
    if out is None:
        typer.echo(text, nl=False)
    else:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            fail(f"--out {out}: cannot write: {exc.strerror or exc}")
        typer.echo(f"wrote {len(manifests)} HorizontalPodAutoscaler(s) to {out}")


def register(app: typer.Typer) -> None:
    """Add ``simulate``, ``backtest``, ``recommend`` and the ``manifests`` group to ``app``."""
    app.command("simulate")(simulate_command)
    app.command("backtest")(backtest_command)
    app.command("recommend")(recommend_command)
    manifests = typer.Typer(name="manifests", help="Generate Kubernetes manifests.", no_args_is_help=True)
    manifests.command("hpa")(manifests_hpa_command)
    manifests.command("keda")(manifests_keda_command)
    app.add_typer(manifests, name="manifests")

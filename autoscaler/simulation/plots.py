"""PNG plots of simulations, backtests and latency fits (matplotlib's Agg canvas, no pyplot state).

Each function draws one figure from a DataFrame (or arrays) and writes it to ``path``; the x axis is
minutes since the start (hours when the run is longer than two days). Knows column names of
``timeline``/``backtest`` frames and the ``LatencyFit``; nothing of how they were made.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from autoscaler.simulation.latency_fit import LatencyFit

__all__ = ["plot_backtest", "plot_fit", "plot_simulation"]


def _time_axis(seconds: pd.Series) -> tuple[np.ndarray, str]:
    values = seconds.to_numpy(dtype=float)
    span = values.max(initial=0.0) - values.min(initial=0.0)
    if span > 2 * 86_400:
        return values / 3600.0, "hours"
    return values / 60.0, "minutes"


def _save(figure: Figure, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    FigureCanvasAgg(figure)
    figure.savefig(path, dpi=100)


def plot_simulation(frame: pd.DataFrame, path: Path, *, latency_objective_ms: float, title: str) -> None:
    """Load, replicas, the HPA metric against its target, and p95 latency against the objective."""
    x, unit = _time_axis(frame["t_seconds"])
    figure = Figure(figsize=(10, 9), layout="constrained")
    load, replicas, metric, latency = figure.subplots(4, 1, sharex=True)
    load.plot(x, frame["offered_rps"], color="tab:blue")
    load.set_ylabel("offered load (rps)")
    load.set_title(title)
    replicas.step(x, frame["desired_replicas"], where="post", label="desired (spec)", color="tab:orange")
    replicas.step(x, frame["ready_replicas"], where="post", label="ready", color="tab:green")
    replicas.set_ylabel("replicas")
    replicas.legend(loc="upper left")
    metric.plot(x, frame["metric_value"].astype(float), label="metric (HPA view)", color="tab:purple")
    metric.plot(x, frame["metric_target"].astype(float), "--", label="target", color="black")
    metric.set_ylabel("per-pod metric")
    metric.legend(loc="upper left")
    latency.plot(x, frame["p95_latency_ms"].astype(float), color="tab:red", label="p95")
    latency.axhline(latency_objective_ms, linestyle="--", color="black", label="objective")
    latency.set_ylabel("p95 latency (ms)")
    latency.set_yscale("log")
    latency.legend(loc="upper left")
    latency.set_xlabel(f"time ({unit})")
    _save(figure, path)


def plot_backtest(frame: pd.DataFrame, path: Path, *, title: str, metric_label: str) -> None:
    """The replayed metric history and the replicas the replay chose against those that ran."""
    x, unit = _time_axis(frame["t_seconds"])
    figure = Figure(figsize=(10, 6), layout="constrained")
    metric, replicas = figure.subplots(2, 1, sharex=True)
    metric.plot(x, frame["metric_value"].astype(float), color="tab:purple")
    metric.set_ylabel(metric_label)
    metric.set_title(title)
    replicas.step(x, frame["simulated_replicas"], where="post", label="replayed HPA", color="tab:orange")
    replicas.step(
        x, frame["actual_replicas"].astype(float), where="post", label="actually ran", color="tab:blue"
    )
    replicas.set_ylabel("replicas")
    replicas.set_xlabel(f"time ({unit})")
    replicas.legend(loc="upper left")
    _save(figure, path)


def plot_fit(
    load: np.ndarray,
    latency_ms: np.ndarray,
    fit: LatencyFit,
    path: Path,
    *,
    threshold_ms: float,
    target: float | None,
    title: str,
) -> None:
    """Observed (per-pod load, latency) points, the fitted curve, the threshold and the target."""
    figure = Figure(figsize=(8, 5), layout="constrained")
    axes = figure.subplots()
    axes.scatter(load, latency_ms, s=8, alpha=0.5, label="observed")
    upper = max(float(np.max(load, initial=0.0)) * 1.2, (target or 0.0) * 1.3, 1e-9)
    grid = np.linspace(0.0, min(upper, fit.capacity * 0.999 if fit.capacity else upper), 200)
    axes.plot(grid, fit.predict(grid), color="tab:red", label=fit.describe())
    axes.axhline(threshold_ms, linestyle="--", color="black", label=f"threshold {threshold_ms:g} ms")
    if target is not None:
        axes.axvline(target, linestyle=":", color="tab:green", label=f"target {target:g}/pod")
    # The curve rises without bound near its capacity: keep the observations in view.
    axes.set_ylim(0.0, max(float(np.max(latency_ms, initial=0.0)), threshold_ms) * 1.25)
    axes.set_xlabel("per-pod load")
    axes.set_ylabel("latency (ms)")
    axes.set_title(title)
    axes.legend(loc="upper left")
    _save(figure, path)

"""Writing simulation, backtest and recommendation results: CSV, PNG and YAML files in one directory.

File names: ``timeline.csv`` and ``timeline-<namespace>-<deployment>.png`` (simulate),
``backtest.csv`` and ``backtest.png`` (backtest), ``latency-fit.csv`` (every grid point, with
``used_in_fit``), ``latency-fit.png`` (the points used) and ``hpa.yaml`` (recommend). Returns the
paths written. Knows frames and plots, not where data came from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from autoscaler.simulation.hpa_manifests import write_manifests_text
from autoscaler.simulation.plots import plot_backtest, plot_fit, plot_simulation
from autoscaler.simulation.recommend import TargetRecommendation

__all__ = ["write_backtest", "write_manifests", "write_recommendation", "write_simulation"]


def write_simulation(frame: pd.DataFrame, out: Path, *, latency_objective_ms: float) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    csv = out / "timeline.csv"
    frame.to_csv(csv, index=False)
    written = [csv]
    for (namespace, deployment), group in frame.groupby(["namespace", "deployment"], sort=False):
        png = out / f"timeline-{namespace}-{deployment}.png"
        plot_simulation(
            group,
            png,
            latency_objective_ms=latency_objective_ms,
            title=f"{namespace}/{deployment}: simulated HPA",
        )
        written.append(png)
    return written


def write_backtest(frame: pd.DataFrame, out: Path, *, title: str, metric_label: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    csv, png = out / "backtest.csv", out / "backtest.png"
    frame.to_csv(csv, index=False)
    plot_backtest(frame, png, title=title, metric_label=metric_label)
    return [csv, png]


def write_manifests(manifests: list[dict[str, Any]], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(write_manifests_text(manifests), encoding="utf-8")
    return path


def write_recommendation(
    out: Path,
    *,
    seconds: np.ndarray,
    per_pod_load: np.ndarray,
    latency_ms: np.ndarray,
    used: np.ndarray,
    recommendation: TargetRecommendation,
    threshold_ms: float,
    manifest: dict[str, Any],
    title: str,
) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    csv, png = out / "latency-fit.csv", out / "latency-fit.png"
    frame = pd.DataFrame({"t_seconds": seconds, "per_pod_load": per_pod_load, "latency_ms": latency_ms})
    frame["used_in_fit"] = used
    frame.to_csv(csv, index=False)
    plot_fit(
        per_pod_load[used],
        latency_ms[used],
        recommendation.fit,
        png,
        threshold_ms=threshold_ms,
        target=recommendation.target_per_pod,
        title=title,
    )
    return [csv, png, write_manifests([manifest], out / "hpa.yaml")]

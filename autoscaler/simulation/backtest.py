"""A backtest: an HPA replayed on a recorded metric history, next to the replicas that actually ran.

The replay starts from the replicas that ran at the first grid point (the HPA's ``minReplicas``
when unknown) and follows the replay assumption of ``replay_spec``. The vectorised engine is used
when it covers the HPA, else the scalar one; both decide identically.

The frame has one row per grid point: ``t_seconds``, ``metric_value`` (the history, metric units),
``simulated_replicas`` (written by the replayed HPA at that cycle), ``actual_replicas``
(``kube_deployment_status_replicas``: pods that existed) and ``actual_spec_replicas``
(``kube_deployment_spec_replicas``). GPU-hours count replicas x GPUs per pod over each step.
Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt
import pandas as pd

from autoscaler.hpa import ControllerConfig, HorizontalPodAutoscaler
from autoscaler.simulation.replay_scalar import ReplayGrid, replay_scalar
from autoscaler.simulation.replay_spec import ReplayKind, UnsupportedReplayError, milli_values
from autoscaler.simulation.vector_batch import compile_batch
from autoscaler.simulation.vector_engine import VectorReplay

__all__ = ["BacktestSummary", "run_backtest", "summarise_backtest"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class BacktestSummary:
    steps: int
    missing_metric_steps: int
    gpu_hours_simulated: float
    gpu_hours_actual: float | None
    scale_events_simulated: int
    scale_events_actual: int | None
    mean_replicas_simulated: float
    mean_replicas_actual: float | None
    engine: str


def _first_known(values: FloatArray) -> int | None:
    known = values[np.isfinite(values)]
    return int(known[0]) if known.size else None


def run_backtest(
    hpa: HorizontalPodAutoscaler,
    *,
    kind: ReplayKind,
    metric: FloatArray,
    actual_replicas: FloatArray,
    actual_spec_replicas: FloatArray,
    step: timedelta,
    config: ControllerConfig,
    engine: str = "auto",
) -> tuple[pd.DataFrame, str]:
    """(frame, engine used: ``"vectorised"`` or ``"scalar"``)."""
    if engine not in ("auto", "scalar", "vectorised"):
        raise ValueError(f"unknown engine {engine!r}")
    values = milli_values(metric)
    initial = _first_known(actual_spec_replicas) or _first_known(actual_replicas) or (hpa.min_replicas or 1)
    initial = max(initial, 1)
    simulated: np.ndarray | None = None
    used = "scalar"
    if engine != "scalar":
        try:
            batch = compile_batch([hpa], [kind], config=config)
        except UnsupportedReplayError:
            if engine == "vectorised":
                raise
        else:
            replay = VectorReplay(batch, step=step, initial_replicas=np.array([initial]))
            simulated, used = replay.run(values[:, np.newaxis])[:, 0], "vectorised"
    if simulated is None:
        grid = ReplayGrid(datetime(2000, 1, 1, tzinfo=UTC), step)
        simulated = replay_scalar(hpa, values, kind=kind, initial_replicas=initial, grid=grid, config=config)
    seconds = np.arange(len(values), dtype=np.float64) * step.total_seconds()
    frame = pd.DataFrame(
        {
            "t_seconds": seconds,
            "metric_value": np.asarray(metric, dtype=np.float64),
            "simulated_replicas": simulated,
            "actual_replicas": np.asarray(actual_replicas, dtype=np.float64),
            "actual_spec_replicas": np.asarray(actual_spec_replicas, dtype=np.float64),
        }
    )
    return frame, used


def _changes(series: pd.Series) -> int:
    known = series.dropna()
    return int((known.diff().fillna(0) != 0).sum())


def summarise_backtest(
    frame: pd.DataFrame, *, step: timedelta, engine: str, gpus_per_pod: float = 1.0
) -> BacktestSummary:
    hours = step.total_seconds() / 3600.0
    actual = frame["actual_replicas"].astype(float)
    has_actual = bool(actual.notna().any())
    return BacktestSummary(
        steps=len(frame),
        missing_metric_steps=int(frame["metric_value"].isna().sum()),
        gpu_hours_simulated=float(frame["simulated_replicas"].sum() * gpus_per_pod * hours),
        gpu_hours_actual=float(actual.sum() * gpus_per_pod * hours) if has_actual else None,
        scale_events_simulated=_changes(frame["simulated_replicas"].astype(float)),
        scale_events_actual=_changes(frame["actual_spec_replicas"].astype(float)) if has_actual else None,
        mean_replicas_simulated=float(frame["simulated_replicas"].mean()),
        mean_replicas_actual=float(actual.mean()) if has_actual else None,
        engine=engine,
    )

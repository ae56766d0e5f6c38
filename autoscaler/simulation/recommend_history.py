"""The history a recommendation is fitted on: a Deployment's load, ready replicas and latency percentile.

Load is the catalogue metric the HPA would use (its per-Deployment value, see ``history_query``);
per-pod load is that divided by ``kube_deployment_status_replicas_ready``; latency is the
catalogue's ``istio_request_duration_p<N>_ms`` for the Deployment, the same PromQL the metrics API
serves. ``rate_window`` replaces the catalogue's rate and quantile windows of both (a short window
follows a fast-changing load; it must still hold a few scrapes).

Grid points where any of them is missing, or no replica was ready, are left out of the fit; so are
points whose load rate window reaches back before the load series began (a new Deployment, a
scrape gap): Prometheus' ``rate()`` over a partly filled window understates the load. To tell a
series that began inside the grid from one that was already there, the load is fetched from one
window before the grid's start. The only I/O goes through ``PrometheusHistory``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from autoscaler.simulation.history_query import deployment_history_query, replicas_query
from autoscaler.simulation.prometheus_history import HistoryGrid, PrometheusHistory
from autoscaler.simulation.replay_spec import UnsupportedReplayError
from metrics_adapter.catalogue import Catalogue
from metrics_adapter.promql import Duration

__all__ = ["LoadLatencyHistory", "fetch_load_latency", "latency_metric_name", "unfilled_rate_windows"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def latency_metric_name(percentile: int) -> str:
    return f"istio_request_duration_p{percentile}_ms"


def unfilled_rate_windows(values: FloatArray, *, step_seconds: float, window_seconds: float) -> BoolArray:
    """Points less than a window after a series (re)appeared on the grid, i.e. after a missing value.

    A value at index 0 counts as filled: the caller fetches from one window before the points it
    keeps, so a series present there is older than the window.
    """
    present = np.isfinite(values)
    before = np.concatenate([[True], present[:-1]])
    unfilled = np.zeros(values.shape, dtype=np.bool_)
    span = math.ceil(window_seconds / step_seconds - 1e-9)
    for start in np.flatnonzero(present & ~before):
        unfilled[start : start + span] = True
    return unfilled & present


@dataclass(frozen=True)
class LoadLatencyHistory:
    seconds: FloatArray
    total_load: FloatArray
    ready_replicas: FloatArray
    latency_ms: FloatArray
    additive: bool
    unfilled_window: BoolArray
    """Points whose load rate window reaches back before the load series began."""

    @property
    def per_pod_load(self) -> FloatArray:
        """Total load / ready replicas for additive metrics; the value itself otherwise (NaN when unknown)."""
        if not self.additive:
            return self.total_load
        with np.errstate(divide="ignore", invalid="ignore"):
            per_pod: FloatArray = np.where(
                self.ready_replicas > 0, self.total_load / self.ready_replicas, np.nan
            )
        return per_pod

    @property
    def settled_total_load(self) -> FloatArray:
        """The total load, NaN where its rate window was not yet filled."""
        settled: FloatArray = np.where(self.unfilled_window, np.nan, self.total_load)
        return settled

    @property
    def usable(self) -> BoolArray:
        return np.isfinite(self.per_pod_load) & np.isfinite(self.latency_ms) & ~self.unfilled_window

    def describe(self) -> str:
        """How many grid points are usable and why the others are not."""
        points = self.seconds.size
        reasons = [
            (int(np.sum(~np.isfinite(self.total_load))), "no load value"),
            (int(np.sum(self.unfilled_window)), "a load rate window not yet filled"),
            (int(np.sum(np.isfinite(self.total_load) & ~np.isfinite(self.per_pod_load))), "no ready replica"),
            (int(np.sum(~np.isfinite(self.latency_ms))), "no latency value"),
        ]
        text = f"{int(np.sum(self.usable))} of {points} grid points usable"
        missing = [f"{count} with {reason}" for count, reason in reasons if count]
        return f"{text} ({', '.join(missing)})" if missing else text


def fetch_load_latency(
    history: PrometheusHistory,
    catalogue: Catalogue,
    grid: HistoryGrid,
    *,
    namespace: str,
    deployment: str,
    metric: str,
    percentile: int,
    rate_window: Duration | None = None,
) -> LoadLatencyHistory:
    latency_name = latency_metric_name(percentile)
    if latency_name not in catalogue:
        raise UnsupportedReplayError(f"no latency metric {latency_name!r} in the catalogue")
    load_query, latency_query = (
        deployment_history_query(
            catalogue, name, namespace=namespace, deployment=deployment, rate_window=rate_window
        )
        for name in (metric, latency_name)
    )
    ready = replicas_query(
        "kube_deployment_status_replicas_ready", namespace=namespace, deployment=deployment
    )
    step_seconds = grid.step.total_seconds()
    lead = 0 if load_query.window is None else math.ceil(load_query.window.seconds / step_seconds - 1e-9)
    load_grid = HistoryGrid(grid.start - lead * grid.step, grid.end, grid.step)
    load = history.series(load_query, load_grid)
    unfilled = np.zeros(load.shape, dtype=np.bool_)
    if load_query.window is not None:
        unfilled = unfilled_rate_windows(
            load, step_seconds=step_seconds, window_seconds=load_query.window.seconds
        )
    return LoadLatencyHistory(
        seconds=grid.seconds,
        total_load=load[lead:],
        ready_replicas=history.series(ready, grid),
        latency_ms=history.series(latency_query, grid),
        additive=load_query.additive,
        unfilled_window=unfilled[lead:],
    )

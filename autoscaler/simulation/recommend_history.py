"""The history a recommendation is fitted on: a Deployment's load, ready replicas and latency percentile.

Load is the catalogue metric the HPA would use (its per-Deployment value, see ``history_query``);
per-pod load is that divided by ``kube_deployment_status_replicas_ready``; latency is the
catalogue's ``istio_request_duration_p<N>_ms`` for the Deployment, the same PromQL the metrics API
serves. Grid points where any of them is missing, or no replica was ready, are left out of the
fit. The only I/O goes through ``PrometheusHistory``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from autoscaler.simulation.history_query import deployment_history_query, replicas_query
from autoscaler.simulation.prometheus_history import HistoryGrid, PrometheusHistory
from autoscaler.simulation.replay_spec import UnsupportedReplayError
from metrics_adapter.catalogue import Catalogue

__all__ = ["LoadLatencyHistory", "fetch_load_latency", "latency_metric_name"]

FloatArray = npt.NDArray[np.float64]


def latency_metric_name(percentile: int) -> str:
    return f"istio_request_duration_p{percentile}_ms"


@dataclass(frozen=True)
class LoadLatencyHistory:
    seconds: FloatArray
    total_load: FloatArray
    ready_replicas: FloatArray
    latency_ms: FloatArray
    additive: bool

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
    def usable(self) -> npt.NDArray[np.bool_]:
        return np.isfinite(self.per_pod_load) & np.isfinite(self.latency_ms)


def fetch_load_latency(
    history: PrometheusHistory,
    catalogue: Catalogue,
    grid: HistoryGrid,
    *,
    namespace: str,
    deployment: str,
    metric: str,
    percentile: int,
) -> LoadLatencyHistory:
    latency_name = latency_metric_name(percentile)
    if latency_name not in catalogue:
        raise UnsupportedReplayError(f"no latency metric {latency_name!r} in the catalogue")
    load_query = deployment_history_query(catalogue, metric, namespace=namespace, deployment=deployment)
    latency_query = deployment_history_query(
        catalogue, latency_name, namespace=namespace, deployment=deployment
    )
    ready = replicas_query(
        "kube_deployment_status_replicas_ready", namespace=namespace, deployment=deployment
    )
    return LoadLatencyHistory(
        seconds=grid.seconds,
        total_load=history.series(load_query.promql, grid, query=load_query),
        ready_replicas=history.series(ready, grid),
        latency_ms=history.series(latency_query.promql, grid, query=latency_query),
        additive=load_query.additive,
    )

"""Offline autoscaling: closed-loop simulation, backtests, target recommendation, HPA manifests.

* ``simulate`` runs the sandbox fleet in virtual time with HPAs driven by the exact
  ``autoscaler.hpa.reconcile`` every sync period, reading the fleet's ground truth;
* ``replay_scalar`` / ``VectorReplay`` replay HPAs on recorded metric histories (the latter for many
  HPAs at once, decision for decision identical to the former);
* ``fit_latency`` / ``recommend_target`` propose a per-pod target from latency history;
* ``build_manifests`` turns an autoscaling config into autoscaling/v2 HorizontalPodAutoscalers.

Imports the HPA algorithm, the sandbox and the adapter's catalogue/promql; never ``slo``, the
adapter's API or FastAPI.
"""

from autoscaler.simulation.replay_scalar import ReplayGrid, replay_scalar
from autoscaler.simulation.replay_spec import (
    MISSING,
    ReplayKind,
    UnsupportedReplayError,
    milli_values,
    replay_kind,
)
from autoscaler.simulation.vector_batch import VectorBatch, compile_batch
from autoscaler.simulation.vector_engine import VectorReplay

__all__ = [
    "MISSING",
    "ReplayGrid",
    "ReplayKind",
    "UnsupportedReplayError",
    "VectorBatch",
    "VectorReplay",
    "compile_batch",
    "milli_values",
    "replay_kind",
    "replay_scalar",
]

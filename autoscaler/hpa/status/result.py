"""What one reconcile cycle returns: the controller's writes plus how it got there.

``desired_replicas``, ``current_replicas``, ``current_metrics``, ``conditions`` and
``last_scale_time`` are the HPA status the controller would write; ``scale_updated`` says whether it
wrote ``scale.spec.replicas``; ``error`` is the error the cycle returns (a cycle can scale *and*
return an error when only some metrics failed). ``decision`` records the branch taken and the
intermediate values (the metrics' maximum, the stabilised count, the limit) for explanations.

This module knows nothing of how these are computed or rendered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from autoscaler.hpa.behavior.normalization import Normalization
from autoscaler.hpa.behavior.state import HPAState
from autoscaler.hpa.metrics.metric_status import MetricProposal, MetricStatus
from autoscaler.hpa.metrics.tolerance import Tolerances
from autoscaler.hpa.spec.horizontal_pod_autoscaler import Condition

__all__ = ["Branch", "Decision", "ReconcileResult"]


class Branch:
    """The path a cycle took (plain string constants, rendered as-is)."""

    SCALE_READ_FAILED = "scaleReadFailed"
    SCALING_DISABLED = "scalingDisabled"
    ABOVE_MAX = "aboveMaxReplicas"
    BELOW_MIN = "belowMinReplicas"
    INVALID_SELECTOR = "invalidSelector"
    INVALID_METRICS = "invalidMetrics"
    METRICS = "metrics"


@dataclass(frozen=True, slots=True)
class Decision:
    branch: str
    min_replicas: int
    max_replicas: int
    current_replicas: int | None = None
    status_replicas: int | None = None
    tolerances: Tolerances | None = None
    metric_replicas: int | None = None
    winning_index: int | None = None
    winning_description: str | None = None
    normalization: Normalization | None = None
    scale_from_zero_floor: bool = False


@dataclass(frozen=True, slots=True)
class ReconcileResult:
    desired_replicas: int | None
    current_replicas: int | None
    scale_updated: bool
    error: str | None
    current_metrics: tuple[MetricStatus, ...] | None
    proposals: tuple[MetricProposal, ...]
    conditions: tuple[Condition, ...]
    last_scale_time: datetime | None
    state: HPAState | None
    decision: Decision

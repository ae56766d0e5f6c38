"""Per-metric results: the ``MetricStatus`` written to ``status.currentMetrics`` and the proposal.

A ``MetricStatus`` mirrors autoscaling/v2: the source it describes (``spec``) plus the current
value (milli-units, or percent for utilization). A metric that failed leaves an empty status
(``type == ""``), exactly as the controller does. The Object AverageValue status carries an empty
``describedObject`` because upstream never fills it in.

This module knows nothing of how values are computed or rendered.
"""

from __future__ import annotations

from dataclasses import dataclass

from autoscaler.hpa.metrics.calculation import Calculation
from autoscaler.hpa.spec.horizontal_pod_autoscaler import Condition, CrossVersionObjectReference, MetricSpec

__all__ = ["MetricProposal", "MetricStatus", "MetricValueStatus"]


@dataclass(frozen=True, slots=True)
class MetricValueStatus:
    value_milli: int | None = None
    average_value_milli: int | None = None
    average_utilization: int | None = None


@dataclass(frozen=True, slots=True)
class MetricStatus:
    type: str = ""
    spec: MetricSpec | None = None
    current: MetricValueStatus | None = None
    described_object: CrossVersionObjectReference | None = None


@dataclass(frozen=True, slots=True)
class MetricProposal:
    """One metric's outcome: a replica proposal before normalisation, or an error and its condition.

    ``description`` is the controller's name for the metric (``"cpu resource utilization
    (percentage of request)"``), used in the ScalingActive message when this metric wins.
    """

    index: int
    spec: MetricSpec
    status: MetricStatus
    replicas: int | None = None
    description: str | None = None
    error: str | None = None
    condition: Condition | None = None
    calculation: Calculation | None = None

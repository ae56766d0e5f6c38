"""The exact Kubernetes HorizontalPodAutoscaler algorithm (autoscaling/v2), as pure functions.

``reconcile`` runs one cycle of kube-controller-manager's HPA controller on values: the HPA, its
target's scale, the selected pods, a ``MetricsReader`` and the per-HPA state, at a ``now`` the
caller passes. Results match the controller's float64/int32 arithmetic bit for bit, including its
condition reasons and messages. ``step_document`` / ``explain_step`` are the JSON edge used by
``servescale hpa step`` and ``hpa explain``.

No I/O, no clock, no FastAPI; imports no other package of this project.
"""

from autoscaler.hpa.config import ControllerConfig, FeatureGates
from autoscaler.hpa.explain import explain
from autoscaler.hpa.objects import ContainerSpec, Pod, PodCondition, Scale
from autoscaler.hpa.reader import MetricFetchError, MetricsReader, PodMetric
from autoscaler.hpa.reconcile import reconcile
from autoscaler.hpa.result import Decision, ReconcileResult
from autoscaler.hpa.spec import HorizontalPodAutoscaler
from autoscaler.hpa.state import HPAState, Recommendation, ScaleEvent
from autoscaler.hpa.static_reader import StaticMetricsReader
from autoscaler.hpa.step import explain_step, run_step, step_document
from autoscaler.hpa.wire_common import InputError

__all__ = [
    "ContainerSpec",
    "ControllerConfig",
    "Decision",
    "FeatureGates",
    "HPAState",
    "HorizontalPodAutoscaler",
    "InputError",
    "MetricFetchError",
    "MetricsReader",
    "Pod",
    "PodCondition",
    "PodMetric",
    "Recommendation",
    "ReconcileResult",
    "Scale",
    "ScaleEvent",
    "StaticMetricsReader",
    "explain",
    "explain_step",
    "reconcile",
    "run_step",
    "step_document",
]

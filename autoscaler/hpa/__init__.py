"""The exact Kubernetes HorizontalPodAutoscaler algorithm (autoscaling/v2), as pure functions.

``reconcile`` runs one cycle of kube-controller-manager's HPA controller on values: the HPA, its
target's scale, the selected pods, a ``MetricsReader`` and the per-HPA state, at a ``now`` the
caller passes. Results match the controller's float64/int32 arithmetic bit for bit, including its
condition reasons and messages. ``step_document`` / ``explain_step`` are the JSON edge used by
``servescale hpa step`` and ``hpa explain``.

One cycle, in the order of its subpackages: ``spec`` (the HPA with its API defaults, the scale,
the pods, the controller configuration), ``metrics`` (reading each metric and its replica
proposal), ``behavior`` (stabilization, scaling policies, scale events and the per-HPA state),
``status`` (conditions, the result and its explanation); ``reconcile`` runs them in turn and
``step`` reads and writes the ``hpa step`` documents.

No I/O, no clock, no FastAPI. Outside ``autoscaler`` it imports only ``metrics_adapter.kube``
(quantities, label selectors and the Kubernetes objects it reads).
"""

from autoscaler.hpa.behavior.state import HPAState, Recommendation, ScaleEvent
from autoscaler.hpa.metrics.reader import MetricFetchError, MetricsReader, PodMetric
from autoscaler.hpa.metrics.static_reader import StaticMetricsReader
from autoscaler.hpa.reconcile import reconcile
from autoscaler.hpa.spec.config import ControllerConfig, FeatureGates
from autoscaler.hpa.spec.horizontal_pod_autoscaler import HorizontalPodAutoscaler
from autoscaler.hpa.spec.objects import ContainerSpec, Pod, PodCondition, Scale
from autoscaler.hpa.status.explain import explain
from autoscaler.hpa.status.result import Decision, ReconcileResult
from autoscaler.hpa.step.errors import InputError
from autoscaler.hpa.step.run import explain_step, run_step, step_document

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

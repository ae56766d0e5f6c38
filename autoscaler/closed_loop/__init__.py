"""Closed-loop HPA emulation: the exact algorithm driven by our metrics API, scaling the sandbox.

Every sync period, per HPA: read the scale and the pods (from the sandbox, where a cluster has the
kube-apiserver), fetch each metric from the custom/external metrics API over HTTP exactly as the HPA
controller asks for it, run ``autoscaler.hpa.reconcile`` and write the new replica count.
"""

from autoscaler.closed_loop.controller import HPAController, LoopDecision
from autoscaler.closed_loop.metrics_api_reader import fetch_metrics

__all__ = ["HPAController", "LoopDecision", "fetch_metrics"]

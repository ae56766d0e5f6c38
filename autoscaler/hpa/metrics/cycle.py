"""All metrics of one cycle -> one proposal (``computeReplicasForMetrics``).

1. The target's selector must be present and parse; otherwise ScalingActive=False/InvalidSelector
   and the cycle aborts. Pods are those of the HPA's namespace the selector matches.
2. Every metric is computed; the proposal is the maximum over the valid ones
   (``if P == 0 or p > P: P = p``).
3. If every metric is invalid, or some are and ``P < C`` (a scale-down), the cycle aborts with the
   first invalid metric's condition: an invalid metric blocks a scale-down, never a scale-up or a hold.
   Otherwise ScalingActive=True/ValidMetricFound, and any invalid metric still makes the cycle return
   ``invalid metrics (k invalid out of N), first error is: ...`` after scaling.

This module knows nothing of normalisation or state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from autoscaler.hpa.metrics.metric_status import MetricProposal
from autoscaler.hpa.metrics.proposals import MetricContext, compute_proposal
from autoscaler.hpa.metrics.reader import MetricsReader
from autoscaler.hpa.metrics.tolerance import Tolerances
from autoscaler.hpa.spec.conditions import Conditions
from autoscaler.hpa.spec.config import ControllerConfig
from autoscaler.hpa.spec.horizontal_pod_autoscaler import HorizontalPodAutoscaler
from autoscaler.hpa.spec.objects import Pod, Scale
from metrics_adapter.kube import LabelSelector, SelectorError, parse_selector

__all__ = ["MetricsOutcome", "compute_metrics"]


@dataclass(frozen=True, slots=True)
class MetricsOutcome:
    """``replicas`` is ``None`` when the cycle must abort; ``error`` may be set either way."""

    replicas: int | None
    proposals: tuple[MetricProposal, ...]
    selector_valid: bool
    winner: MetricProposal | None = None
    error: str | None = None


def _selected_pods(pods: Sequence[Pod], hpa: HorizontalPodAutoscaler, selector: LabelSelector) -> list[Pod]:
    return [
        pod
        for pod in pods
        if (pod.namespace is None or pod.namespace == hpa.namespace) and selector.matches(pod.labels)
    ]


def compute_metrics(
    hpa: HorizontalPodAutoscaler,
    *,
    scale: Scale,
    pods: Sequence[Pod],
    reader: MetricsReader,
    tolerances: Tolerances,
    conditions: Conditions,
    now: datetime,
    config: ControllerConfig,
) -> MetricsOutcome:
    if not scale.selector:
        conditions.set(
            "ScalingActive", "False", "InvalidSelector", "the HPA target's scale is missing a selector"
        )
        return MetricsOutcome(replicas=None, proposals=(), selector_valid=False, error="selector is required")
    try:
        selector = parse_selector(scale.selector)
    except SelectorError as exc:
        message = f"couldn't convert selector into a corresponding internal selector object: {exc}"
        conditions.set("ScalingActive", "False", "InvalidSelector", message)
        return MetricsOutcome(replicas=None, proposals=(), selector_valid=False, error=message)

    ctx = MetricContext(
        namespace=hpa.namespace,
        current_replicas=scale.spec_replicas,
        status_replicas=scale.status_replicas,
        selector=selector,
        pods=_selected_pods(pods, hpa, selector),
        reader=reader,
        tolerances=tolerances,
        now=now,
        config=config,
    )
    proposals = tuple(compute_proposal(spec, index=index, ctx=ctx) for index, spec in enumerate(hpa.metrics))

    replicas = 0
    winner: MetricProposal | None = None
    for proposal in proposals:
        if proposal.replicas is not None and (replicas == 0 or proposal.replicas > replicas):
            replicas, winner = proposal.replicas, proposal
    invalid = [proposal for proposal in proposals if proposal.error is not None]
    error = None
    if invalid:
        counts = f"{len(invalid)} invalid out of {len(proposals)}"
        error = f"invalid metrics ({counts}), first error is: {invalid[0].error}"
    if len(invalid) >= len(proposals) or (invalid and replicas < scale.spec_replicas):
        if invalid and invalid[0].condition is not None:
            conditions.put(invalid[0].condition)
        return MetricsOutcome(replicas=None, proposals=proposals, selector_valid=True, error=error)
    description = winner.description if winner is not None else ""
    conditions.set(
        "ScalingActive",
        "True",
        "ValidMetricFound",
        f"the HPA was able to successfully calculate a replica count from {description}",
    )
    return MetricsOutcome(
        replicas=replicas, proposals=proposals, selector_valid=True, winner=winner, error=error
    )

"""One reconcile cycle of the HPA controller (``reconcileAutoscaler``), as a pure function.

Inputs are values (the HPA, its target's scale, the pods, a ``MetricsReader``, the per-HPA state,
``now`` and the controller configuration); the output is a ``ReconcileResult`` with the status the
controller would write and the new state. Order of a cycle:

1. read the scale (``None`` = the read failed: AbleToScale=False/FailedGetScale, nothing else);
2. seed the recommendation history with ``[C, now]`` the first time;
3. pre-metric branches: ``C == 0`` (scaling disabled unless scale-from-zero applies), ``C > max``
   (-> max), ``C < min`` (-> min);
4. otherwise compute the metrics (``metrics.cycle``), normalise (legacy or behaviour path), apply the
   scale-from-zero floor;
5. if the count changes: record the scale event, ``lastScaleTime = now``, AbleToScale=SucceededRescale
   and, with ``HPAScaleToZero``, the ScaledToZero condition.

Never reads the clock and does no I/O. This module knows nothing of JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from autoscaler.hpa.behavior.normalization import Normalization, normalize_legacy, normalize_with_behavior
from autoscaler.hpa.behavior.scale_events import store_scale_event
from autoscaler.hpa.behavior.state import HPAState, Recommendation
from autoscaler.hpa.metrics.cycle import compute_metrics
from autoscaler.hpa.metrics.metric_status import MetricProposal, MetricStatus
from autoscaler.hpa.metrics.reader import MetricsReader
from autoscaler.hpa.metrics.tolerance import Tolerances, tolerances_for
from autoscaler.hpa.spec.conditions import Conditions
from autoscaler.hpa.spec.config import ControllerConfig
from autoscaler.hpa.spec.defaults import apply_api_defaults
from autoscaler.hpa.spec.horizontal_pod_autoscaler import HorizontalPodAutoscaler, MetricSourceType
from autoscaler.hpa.spec.objects import Pod, Scale
from autoscaler.hpa.status.result import Branch, Decision, ReconcileResult

__all__ = ["reconcile"]

SCALE_READ_ERROR = "the scale subresource of the target could not be read"
COMPUTE_FAILED = "failed to compute desired number of replicas based on listed metrics"


def _has_object_or_external(hpa: HorizontalPodAutoscaler) -> bool:
    return any(spec.type in (MetricSourceType.OBJECT, MetricSourceType.EXTERNAL) for spec in hpa.metrics)


def _scale_read_failed(
    hpa: HorizontalPodAutoscaler, conditions: Conditions, state: HPAState | None
) -> ReconcileResult:
    reference = f"{hpa.scale_target_ref.kind}/{hpa.namespace}/{hpa.scale_target_ref.name}"
    conditions.set(
        "AbleToScale",
        "False",
        "FailedGetScale",
        f"the HPA controller was unable to get the target's current scale: {SCALE_READ_ERROR}",
    )
    min_replicas = hpa.min_replicas if hpa.min_replicas is not None else 1
    return ReconcileResult(
        desired_replicas=hpa.status.desired_replicas,
        current_replicas=hpa.status.current_replicas,
        scale_updated=False,
        error=f"failed to query scale subresource for {reference}: {SCALE_READ_ERROR}",
        current_metrics=None,
        proposals=(),
        conditions=conditions.freeze(),
        last_scale_time=hpa.status.last_scale_time,
        state=state,
        decision=Decision(Branch.SCALE_READ_FAILED, min_replicas, hpa.max_replicas),
    )


@dataclass(frozen=True, slots=True)
class _Cycle:
    """What every step of one cycle reads: the defaulted HPA, its limits and the clock."""

    hpa: HorizontalPodAutoscaler
    scale: Scale
    conditions: Conditions
    now: datetime
    config: ControllerConfig
    min_replicas: int
    from_zero: bool
    tolerances: Tolerances

    @property
    def current(self) -> int:
        return self.scale.spec_replicas

    @property
    def reference(self) -> str:
        ref = self.hpa.scale_target_ref
        return f"{ref.kind}/{self.hpa.namespace}/{ref.name}"


@dataclass(frozen=True, slots=True)
class _Outcome:
    """Where a cycle that reached a replica count stands before the rescale step."""

    desired: int
    rescale: bool
    decision: Decision
    state: HPAState
    proposals: tuple[MetricProposal, ...] = ()
    current_metrics: tuple[MetricStatus, ...] | None = None
    error: str | None = None


def reconcile(
    hpa: HorizontalPodAutoscaler,
    *,
    scale: Scale | None,
    pods: Sequence[Pod],
    reader: MetricsReader,
    state: HPAState | None,
    now: datetime,
    config: ControllerConfig,
) -> ReconcileResult:
    """One ``reconcileAutoscaler`` cycle for ``hpa`` at time ``now``."""
    hpa = apply_api_defaults(hpa)
    conditions = Conditions(hpa.status.conditions, now=now)
    if scale is None:
        return _scale_read_failed(hpa, conditions, state)
    conditions.set(
        "AbleToScale",
        "True",
        "SucceededGetScale",
        "the HPA controller was able to get the target's current scale",
    )
    new_state = _seed_recommendations(state, scale.spec_replicas, now)
    cycle = _Cycle(
        hpa=hpa,
        scale=scale,
        conditions=conditions,
        now=now,
        config=config,
        min_replicas=hpa.min_replicas if hpa.min_replicas is not None else 1,
        from_zero=_scaled_to_zero(conditions, config),
        tolerances=tolerances_for(hpa, config),
    )
    decision = Decision(
        Branch.METRICS,
        cycle.min_replicas,
        hpa.max_replicas,
        cycle.current,
        scale.status_replicas,
        tolerances=cycle.tolerances,
    )
    outcome = _pre_metric_branch(cycle, decision, new_state)
    if outcome is None:
        metrics = _metrics_branch(cycle, decision, new_state, pods=pods, reader=reader)
        if isinstance(metrics, ReconcileResult):
            return metrics
        outcome = metrics
    return _finish(cycle, outcome)


def _seed_recommendations(state: HPAState | None, current: int, now: datetime) -> HPAState:
    """The first time the controller sees an HPA its recommendation history is ``[current, now]``."""
    new_state = state or HPAState()
    if new_state.recommendations is None:
        new_state = replace(new_state, recommendations=(Recommendation(current, now),))
    return new_state


def _scaled_to_zero(conditions: Conditions, config: ControllerConfig) -> bool:
    """Whether this cycle scales from zero: ``HPAScaleToZero`` on and ScaledToZero=True."""
    scaled_to_zero = conditions.get("ScaledToZero")
    return (
        config.feature_gates.hpa_scale_to_zero
        and scaled_to_zero is not None
        and scaled_to_zero.status == "True"
    )


def _pre_metric_branch(cycle: _Cycle, decision: Decision, state: HPAState) -> _Outcome | None:
    """Scaling disabled at zero replicas, or the count outside ``[min, max]``; ``None`` otherwise."""
    current, max_replicas = cycle.current, cycle.hpa.max_replicas
    if current == 0 and not (
        (cycle.min_replicas != 0 and cycle.from_zero)
        or (cycle.from_zero and _has_object_or_external(cycle.hpa))
    ):
        cycle.conditions.set(
            "ScalingActive",
            "False",
            "ScalingDisabled",
            "scaling is disabled since the replica count of the target is zero",
        )
        return _Outcome(0, False, replace(decision, branch=Branch.SCALING_DISABLED), state)
    if current != 0 and current > max_replicas:
        return _Outcome(max_replicas, True, replace(decision, branch=Branch.ABOVE_MAX), state)
    if current != 0 and current < cycle.min_replicas:
        return _Outcome(cycle.min_replicas, True, replace(decision, branch=Branch.BELOW_MIN), state)
    return None


def _metrics_branch(
    cycle: _Cycle, decision: Decision, state: HPAState, *, pods: Sequence[Pod], reader: MetricsReader
) -> _Outcome | ReconcileResult:
    """Compute the metrics' proposal and normalise it; a result when the metrics are unusable."""
    hpa, current = cycle.hpa, cycle.current
    outcome = compute_metrics(
        hpa,
        scale=cycle.scale,
        pods=pods,
        reader=reader,
        tolerances=cycle.tolerances,
        conditions=cycle.conditions,
        now=cycle.now,
        config=cycle.config,
    )
    proposals, error = outcome.proposals, outcome.error
    current_metrics = tuple(proposal.status for proposal in proposals) if outcome.selector_valid else None
    if outcome.replicas is None:
        branch = Branch.INVALID_METRICS if outcome.selector_valid else Branch.INVALID_SELECTOR
        failed = _Outcome(
            current, False, replace(decision, branch=branch), state, proposals, current_metrics, error
        )
        return _metrics_failed(cycle, failed)
    normalization = _normalize(
        hpa,
        state,
        current=current,
        desired=max(0, outcome.replicas),
        min_replicas=cycle.min_replicas,
        now=cycle.now,
        config=cycle.config,
    )
    desired, floor = _apply_normalization(cycle, normalization)
    winner = outcome.winner
    decision = replace(
        decision,
        metric_replicas=outcome.replicas,
        winning_index=winner.index if winner is not None else None,
        winning_description=winner.description if winner is not None else None,
        normalization=normalization,
        scale_from_zero_floor=floor,
    )
    return _Outcome(
        desired, desired != current, decision, normalization.state, proposals, current_metrics, error
    )


def _metrics_failed(cycle: _Cycle, outcome: _Outcome) -> ReconcileResult:
    """No usable metric (or an invalid selector): the status keeps its desired count, no rescale."""
    return ReconcileResult(
        desired_replicas=cycle.hpa.status.desired_replicas,
        current_replicas=cycle.current,
        scale_updated=False,
        error=f"{COMPUTE_FAILED} for {cycle.reference}: {outcome.error}",
        current_metrics=outcome.current_metrics,
        proposals=outcome.proposals,
        conditions=cycle.conditions.freeze(),
        last_scale_time=cycle.hpa.status.last_scale_time,
        state=outcome.state,
        decision=outcome.decision,
    )


def _apply_normalization(cycle: _Cycle, normalization: Normalization) -> tuple[int, bool]:
    """Record AbleToScale/ScalingLimited and apply the scale-from-zero floor: (desired, floored)."""
    cycle.conditions.set("AbleToScale", "True", *normalization.able_reason)
    limited = "False" if normalization.desired == normalization.stabilized else "True"
    cycle.conditions.set("ScalingLimited", limited, *normalization.limited_reason)
    desired = normalization.desired
    floor = (
        cycle.current == 0 and cycle.min_replicas != 0 and cycle.from_zero and desired < cycle.min_replicas
    )
    return (cycle.min_replicas if floor else desired), floor


def _finish(cycle: _Cycle, outcome: _Outcome) -> ReconcileResult:
    """Rescale when the count changes (event, ``lastScaleTime``, conditions) and build the result."""
    current = cycle.current
    desired, new_state = outcome.desired, outcome.state
    last_scale_time = cycle.hpa.status.last_scale_time
    if outcome.rescale:
        new_state = _record_rescale(cycle, new_state, desired)
        last_scale_time = cycle.now
    else:
        desired = current
    return ReconcileResult(
        desired_replicas=desired,
        current_replicas=current,
        scale_updated=outcome.rescale,
        error=outcome.error,
        current_metrics=outcome.current_metrics,
        proposals=outcome.proposals,
        conditions=cycle.conditions.freeze(),
        last_scale_time=last_scale_time,
        state=new_state,
        decision=outcome.decision,
    )


def _record_rescale(cycle: _Cycle, state: HPAState, desired: int) -> HPAState:
    """SucceededRescale, the scale event, and the ScaledToZero condition of ``HPAScaleToZero``."""
    hpa, current, conditions = cycle.hpa, cycle.current, cycle.conditions
    conditions.set(
        "AbleToScale",
        "True",
        "SucceededRescale",
        f"the HPA controller was able to update the target scale to {desired}",
    )
    new_state = store_scale_event(state, behavior=hpa.behavior, previous=current, new=desired, now=cycle.now)
    if not cycle.config.feature_gates.hpa_scale_to_zero:
        conditions.remove("ScaledToZero")
    elif current > 0 and desired == 0 and cycle.min_replicas == 0 and _has_object_or_external(hpa):
        conditions.set(
            "ScaledToZero", "True", "ScaledToZero", "the HPA controller scaled the workload to zero"
        )
    else:
        conditions.set(
            "ScaledToZero",
            "False",
            "NotScaledToZero",
            "the HPA controller did not scale the workload to zero",
        )
    return new_state


def _normalize(
    hpa: HorizontalPodAutoscaler,
    state: HPAState,
    *,
    current: int,
    desired: int,
    min_replicas: int,
    now: datetime,
    config: ControllerConfig,
) -> Normalization:
    if hpa.behavior is None:
        return normalize_legacy(
            state,
            current=current,
            desired=desired,
            min_replicas=min_replicas,
            max_replicas=hpa.max_replicas,
            now=now,
            window=config.downscale_stabilization_window,
        )
    return normalize_with_behavior(
        state,
        behavior=hpa.behavior,
        current=current,
        desired=desired,
        min_replicas=min_replicas,
        max_replicas=hpa.max_replicas,
        now=now,
        default_down_window=config.downscale_stabilization_window,
    )

"""One reconcile cycle of the HPA controller (``reconcileAutoscaler``), as a pure function.

Inputs are values (the HPA, its target's scale, the pods, a ``MetricsReader``, the per-HPA state,
``now`` and the controller configuration); the output is a ``ReconcileResult`` with the status the
controller would write and the new state. Order of a cycle:

1. read the scale (``None`` = the read failed: AbleToScale=False/FailedGetScale, nothing else);
2. seed the recommendation history with ``[C, now]`` the first time;
3. pre-metric branches: ``C == 0`` (scaling disabled unless scale-from-zero applies), ``C > max``
   (-> max), ``C < min`` (-> min);
4. otherwise compute the metrics (``metrics_cycle``), normalise (legacy or behaviour path), apply the
   scale-from-zero floor;
5. if the count changes: record the scale event, ``lastScaleTime = now``, AbleToScale=SucceededRescale
   and, with ``HPAScaleToZero``, the ScaledToZero condition.

Never reads the clock and does no I/O. This module knows nothing of JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from autoscaler.hpa.conditions import Conditions
from autoscaler.hpa.config import ControllerConfig
from autoscaler.hpa.defaults import apply_api_defaults
from autoscaler.hpa.metric_status import MetricProposal, MetricStatus
from autoscaler.hpa.metrics_cycle import compute_metrics
from autoscaler.hpa.normalization import Normalization, normalize_legacy, normalize_with_behavior
from autoscaler.hpa.objects import Pod, Scale
from autoscaler.hpa.reader import MetricsReader
from autoscaler.hpa.result import Branch, Decision, ReconcileResult
from autoscaler.hpa.scale_events import store_scale_event
from autoscaler.hpa.spec import HorizontalPodAutoscaler, MetricSourceType
from autoscaler.hpa.state import HPAState, Recommendation
from autoscaler.hpa.tolerance import tolerances_for

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
    current = scale.spec_replicas
    new_state = state or HPAState()
    if new_state.recommendations is None:
        new_state = replace(new_state, recommendations=(Recommendation(current, now),))

    reference = f"{hpa.scale_target_ref.kind}/{hpa.namespace}/{hpa.scale_target_ref.name}"
    min_replicas = hpa.min_replicas if hpa.min_replicas is not None else 1
    max_replicas = hpa.max_replicas
    tolerances = tolerances_for(hpa, config)
    scaled_to_zero = conditions.get("ScaledToZero")
    from_zero = (
        config.feature_gates.hpa_scale_to_zero
        and scaled_to_zero is not None
        and scaled_to_zero.status == "True"
    )
    decision = Decision(
        Branch.METRICS, min_replicas, max_replicas, current, scale.status_replicas, tolerances=tolerances
    )
    desired, rescale, error = 0, True, None
    proposals: tuple[MetricProposal, ...] = ()
    current_metrics: tuple[MetricStatus, ...] | None = None

    if current == 0 and not (
        (min_replicas != 0 and from_zero) or (from_zero and _has_object_or_external(hpa))
    ):
        desired, rescale = 0, False
        conditions.set(
            "ScalingActive",
            "False",
            "ScalingDisabled",
            "scaling is disabled since the replica count of the target is zero",
        )
        decision = replace(decision, branch=Branch.SCALING_DISABLED)
    elif current != 0 and current > max_replicas:
        desired, decision = max_replicas, replace(decision, branch=Branch.ABOVE_MAX)
    elif current != 0 and current < min_replicas:
        desired, decision = min_replicas, replace(decision, branch=Branch.BELOW_MIN)
    else:
        outcome = compute_metrics(
            hpa,
            scale=scale,
            pods=pods,
            reader=reader,
            tolerances=tolerances,
            conditions=conditions,
            now=now,
            config=config,
        )
        proposals, error = outcome.proposals, outcome.error
        current_metrics = tuple(proposal.status for proposal in proposals) if outcome.selector_valid else None
        if outcome.replicas is None:
            branch = Branch.INVALID_METRICS if outcome.selector_valid else Branch.INVALID_SELECTOR
            return ReconcileResult(
                desired_replicas=hpa.status.desired_replicas,
                current_replicas=current,
                scale_updated=False,
                error=f"{COMPUTE_FAILED} for {reference}: {error}",
                current_metrics=current_metrics,
                proposals=proposals,
                conditions=conditions.freeze(),
                last_scale_time=hpa.status.last_scale_time,
                state=new_state,
                decision=replace(decision, branch=branch),
            )
        desired = max(desired, outcome.replicas)
        normalization = _normalize(
            hpa,
            new_state,
            current=current,
            desired=desired,
            min_replicas=min_replicas,
            now=now,
            config=config,
        )
        new_state = normalization.state
        conditions.set("AbleToScale", "True", *normalization.able_reason)
        limited = "False" if normalization.desired == normalization.stabilized else "True"
        conditions.set("ScalingLimited", limited, *normalization.limited_reason)
        desired = normalization.desired
        floor = current == 0 and min_replicas != 0 and from_zero and desired < min_replicas
        if floor:
            desired = min_replicas
        winner = outcome.winner
        decision = replace(
            decision,
            metric_replicas=outcome.replicas,
            winning_index=winner.index if winner is not None else None,
            winning_description=winner.description if winner is not None else None,
            normalization=normalization,
            scale_from_zero_floor=floor,
        )
        rescale = desired != current

    last_scale_time = hpa.status.last_scale_time
    if rescale:
        conditions.set(
            "AbleToScale",
            "True",
            "SucceededRescale",
            f"the HPA controller was able to update the target scale to {desired}",
        )
        new_state = store_scale_event(
            new_state, behavior=hpa.behavior, previous=current, new=desired, now=now
        )
        last_scale_time = now
        if not config.feature_gates.hpa_scale_to_zero:
            conditions.remove("ScaledToZero")
        elif current > 0 and desired == 0 and min_replicas == 0 and _has_object_or_external(hpa):
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
    else:
        desired = current

    return ReconcileResult(
        desired_replicas=desired,
        current_replicas=current,
        scale_updated=rescale,
        error=error,
        current_metrics=current_metrics,
        proposals=proposals,
        conditions=conditions.freeze(),
        last_scale_time=last_scale_time,
        state=new_state,
        decision=decision,
    )


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

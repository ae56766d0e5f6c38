"""Plain-English account of one reconcile: which metric won, what was set aside, what held it back.

``explain`` reads only the ``ReconcileResult`` (and the HPA for its name and targets) and returns
lines: the starting point, the tolerance band, each metric's value, ratio and proposal (or error),
the pods set aside and why, the invalid-metric rule, stabilisation, the limit or policy that
applied, and the outcome.

This module knows nothing of how the result was computed or of JSON.
"""

from __future__ import annotations

from decimal import Decimal

from autoscaler.forecast.metric import FORECAST_METRIC
from autoscaler.hpa.behavior.normalization import Normalization
from autoscaler.hpa.metrics.metric_status import MetricProposal
from autoscaler.hpa.spec.horizontal_pod_autoscaler import (
    HorizontalPodAutoscaler,
    MetricSourceType,
    MetricSpec,
)
from autoscaler.hpa.status.result import Branch, Decision, ReconcileResult
from metrics_adapter.kube import format_quantity

__all__ = ["explain"]


def _target_text(spec: MetricSpec) -> str:
    target = spec.target
    if target is None:
        return "no target"
    if target.average_utilization is not None and target.average_value_milli is None:
        return f"target {target.average_utilization}% of request"
    if target.average_value_milli is not None:
        return f"target average {format_quantity(Decimal(target.average_value_milli).scaleb(-3))}"
    if target.value_milli is not None:
        return f"target value {format_quantity(Decimal(target.value_milli).scaleb(-3))}"
    return "no usable target"


def _spec_text(spec: MetricSpec) -> str:
    if spec.type == MetricSourceType.RESOURCE:
        source = f"Resource {spec.name}"
    elif spec.type == MetricSourceType.CONTAINER_RESOURCE:
        source = f"ContainerResource {spec.name} of container {spec.container}"
    elif spec.type == MetricSourceType.OBJECT and spec.described_object is not None:
        source = f"Object metric {spec.name} on {spec.described_object.kind}/{spec.described_object.name}"
    elif spec.type in (MetricSourceType.PODS, MetricSourceType.EXTERNAL, MetricSourceType.OBJECT):
        source = f"{spec.type} metric {spec.name}"
    else:
        return f"metric of unknown type {spec.type!r}"
    return f"{source} ({_target_text(spec)})"


def _value_text(proposal: MetricProposal, status_replicas: int | None) -> str:
    calc = proposal.calculation
    if calc is None:
        return ""
    usage = format_quantity(Decimal(calc.usage).scaleb(-3))
    if calc.utilization is not None:
        return f"current utilization {calc.utilization}% of request (average {usage} per pod)"
    target = proposal.spec.target
    if proposal.spec.type in (MetricSourceType.OBJECT, MetricSourceType.EXTERNAL):
        if target is not None and target.average_value_milli is not None:
            return f"current value per replica {usage} (against status.replicas {status_replicas})"
        return f"current value {usage}"
    return f"current average {usage} per pod"


def _metric_lines(proposal: MetricProposal, status_replicas: int | None) -> list[str]:
    label = f"Metric {proposal.index + 1}, {_spec_text(proposal.spec)}"
    if proposal.error is not None:
        return [f"{label}: invalid -- {proposal.error}."]
    calc = proposal.calculation
    assert calc is not None
    line = f"{label}: {_value_text(proposal, status_replicas)}, usage ratio {calc.usage_ratio:.4f}"
    if calc.rebalanced_ratio is not None:
        line += f" ({calc.rebalanced_ratio:.4f} after rebalancing)"
    line += f" -> proposes {proposal.replicas} replicas"
    if calc.held is not None:
        line += f", the current count ({calc.held})"
    elif calc.pods is not None:
        line += f" from {calc.pods.ready_count} ready pods"
    lines = [line + "."]
    if calc.pods is not None:
        reasons = dict(calc.pods.reasons)
        for group in ("unready", "missing", "ignored"):
            names = getattr(calc.pods, group)
            if names:
                listed = ", ".join(f"{name} ({reasons.get(name, group)})" for name in names)
                lines.append(f"  Set aside as {group}: {listed}.")
    if calc.assumption:
        lines.append(f"  Rebalancing: {calc.assumption}.")
    return lines


def _normalization_lines(decision: Decision, norm: Normalization) -> list[str]:
    lines = []
    if norm.path == "legacy":
        window = int(norm.down_window.total_seconds()) if norm.down_window is not None else 0
        lines.append(
            f"No behavior set: legacy normalisation (downscale stabilisation {window}s, scale-up cap)."
        )
        if norm.stabilized != decision.metric_replicas:
            lines.append(
                f"Stabilisation held the count at {norm.stabilized}, the highest recommendation of {window}s."
            )
    else:
        up = int(norm.up_window.total_seconds()) if norm.up_window is not None else 0
        down = int(norm.down_window.total_seconds()) if norm.down_window is not None else 0
        lines.append(
            f"Behavior set: scale-up window {up}s, scale-down window {down}s, policies per direction."
        )
        if norm.stabilized != decision.metric_replicas:
            lines.append(
                f"Stabilisation: {norm.able_reason[0]} -- {norm.able_reason[1]};"
                f" stabilised at {norm.stabilized}."
            )
    reason, message = norm.limited_reason
    if norm.desired != norm.stabilized:
        limit = f" (rate limit {norm.rate_limit})" if reason in ("ScaleUpLimit", "ScaleDownLimit") else ""
        lines.append(f"Limited to {norm.desired} by {reason}: {message}{limit}.")
    else:
        lines.append(f"No limit applied ({reason}).")
    if decision.scale_from_zero_floor:
        lines.append(f"Scaling from zero: raised to minReplicas {decision.min_replicas}.")
    return lines


def _branch_lines(result: ReconcileResult) -> list[str]:
    decision = result.decision
    messages = {
        Branch.SCALE_READ_FAILED: "The target's scale could not be read: nothing changes.",
        Branch.SCALING_DISABLED: "The target has 0 replicas: scaling is disabled, metrics are not read.",
        Branch.ABOVE_MAX: f"Above maxReplicas: set to {decision.max_replicas} without reading metrics.",
        Branch.BELOW_MIN: f"Below minReplicas: set to {decision.min_replicas} without reading metrics.",
        Branch.INVALID_SELECTOR: "The target's selector is missing or invalid: no metric can be computed.",
    }
    return [messages[decision.branch]] if decision.branch in messages else []


def _predictive_lines(result: ReconcileResult) -> list[str]:
    """For an HPA with the forecast metric: whether the forecast or the reactive metrics won."""
    forecast = [p for p in result.proposals if p.spec.name == FORECAST_METRIC]
    reactive = [p for p in result.proposals if p.spec.name != FORECAST_METRIC]
    if not forecast or not reactive:
        return []
    horizon = ""
    selector = forecast[0].spec.metric_selector
    if selector is not None:
        horizon = dict(selector.match_labels).get("horizon", "")
    ahead = f" in {horizon}" if horizon else " ahead"
    valid = [p.replicas for p in reactive if p.error is None and p.replicas is not None]
    best = max(valid) if valid else None
    guess = forecast[0].replicas if forecast[0].error is None else None
    if guess is None:
        return [
            "Predictive: no forecast value, so the reactive metric(s) decide; while the forecast has no"
            " value the controller does not scale down."
        ]
    if best is None:
        return [
            f"Predictive: the forecast won ({guess} replicas for the load expected{ahead});"
            " no reactive metric is valid."
        ]
    if guess > best:
        return [
            f"Predictive: the forecast won: {guess} replicas for the load expected{ahead},"
            f" against {best} for the current load."
        ]
    if guess == best:
        return [f"Predictive: the forecast and the reactive metric(s) agree on {best} replicas."]
    return [
        f"Predictive: the reactive metric won: {best} replicas for the current load,"
        f" against {guess} for the load expected{ahead}."
    ]


def explain(result: ReconcileResult, hpa: HorizontalPodAutoscaler) -> list[str]:
    decision = result.decision
    ref = hpa.scale_target_ref
    lines = [
        f"HPA {hpa.namespace}/{hpa.name} scales {ref.kind}/{ref.name}:"
        f" current replicas {decision.current_replicas}"
        f" (status.replicas {decision.status_replicas}), minReplicas {decision.min_replicas},"
        f" maxReplicas {decision.max_replicas}."
    ]
    lines += _branch_lines(result)
    if decision.tolerances is not None and result.proposals:
        tol = decision.tolerances
        lines.append(
            f"Tolerance: a usage ratio within [{1.0 - tol.scale_down:.4f}, {1.0 + tol.scale_up:.4f}]"
            f" keeps the current count (scale-down {tol.scale_down:g}, scale-up {tol.scale_up:g})."
        )
    for proposal in result.proposals:
        lines += _metric_lines(proposal, decision.status_replicas)
    invalid = [p for p in result.proposals if p.error is not None]
    if decision.branch == Branch.INVALID_METRICS:
        lines.append(
            f"{len(invalid)} of {len(result.proposals)} metrics are invalid and the valid ones would"
            " not scale up: the controller does not scale down on partial data, nothing changes."
        )
    elif invalid and decision.metric_replicas is not None:
        lines.append(
            f"{len(invalid)} invalid metric(s) do not block a scale-up or hold;"
            " the cycle still reports an error."
        )
    if decision.metric_replicas is not None:
        lines.append(
            f"Winning proposal: {decision.metric_replicas} replicas from {decision.winning_description}."
        )
    lines += _predictive_lines(result)
    if decision.normalization is not None:
        lines += _normalization_lines(decision, decision.normalization)
    if result.scale_updated:
        lines.append(f"Result: scale from {decision.current_replicas} to {result.desired_replicas} replicas.")
    elif decision.branch not in (Branch.SCALE_READ_FAILED, Branch.INVALID_METRICS, Branch.INVALID_SELECTOR):
        lines.append(f"Result: keep {result.desired_replicas} replicas.")
    if result.error is not None:
        lines.append(f"Error returned by the cycle: {result.error}")
    return lines

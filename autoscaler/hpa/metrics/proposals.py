"""One metric of ``spec.metrics`` -> a replica proposal (``computeReplicasForMetric``).

Dispatches on the source type, fetches through the ``MetricsReader``, calls the matching calculation
and builds the ``MetricStatus``. On failure it produces the same three texts as the controller: the
inner error, the ScalingActive=False condition (``"the HPA was unable to compute the replica count:
<inner>"`` with a ``FailedGet*Metric`` reason) and the wrapped error returned for the cycle -- with
upstream's wording, quirks included (``"unable to get metric m: Kind on ns name/<err>"``).

This module knows nothing of normalisation, state or JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from autoscaler.hpa.metrics.calculation import Calculation, CalculationError
from autoscaler.hpa.metrics.metric_status import MetricProposal, MetricStatus, MetricValueStatus
from autoscaler.hpa.metrics.object_replicas import (
    per_pod_replicas,
    sum_external_for_average,
    sum_external_for_value,
    value_replicas,
)
from autoscaler.hpa.metrics.pod_replicas import average_value_replicas, utilization_replicas
from autoscaler.hpa.metrics.reader import MetricFetchError, MetricsReader
from autoscaler.hpa.metrics.tolerance import Tolerances
from autoscaler.hpa.spec.config import ControllerConfig
from autoscaler.hpa.spec.horizontal_pod_autoscaler import (
    Condition,
    CrossVersionObjectReference,
    MetricSourceType,
    MetricSpec,
)
from autoscaler.hpa.spec.objects import Pod
from metrics_adapter.kube import LabelSelector, go_string

__all__ = ["MetricContext", "compute_proposal"]


@dataclass(frozen=True, slots=True)
class MetricContext:
    """Everything one cycle's metrics share: C, S, the parsed selector, its pods, the reader."""

    namespace: str
    current_replicas: int
    status_replicas: int
    selector: LabelSelector
    pods: Sequence[Pod]
    reader: MetricsReader
    tolerances: Tolerances
    now: datetime
    config: ControllerConfig


class _Failed(Exception):
    def __init__(self, reason: str, inner: str, outer: str) -> None:
        super().__init__(outer)
        self.reason, self.inner, self.outer = reason, inner, outer


@dataclass(frozen=True, slots=True)
class _Outcome:
    calculation: Calculation
    current: MetricValueStatus
    description: str
    described_object: CrossVersionObjectReference | None = None


def _resource(spec: MetricSpec, ctx: MetricContext) -> _Outcome:
    """``computeStatusForResourceMetricGeneric``; raises ``ValueError`` with the generic message."""
    name, target = spec.name, spec.target
    container = spec.container if spec.type == MetricSourceType.CONTAINER_RESOURCE else None
    if target is not None and target.average_value_milli is not None:
        try:
            samples = ctx.reader.resource_metrics(
                name, namespace=ctx.namespace, selector=ctx.selector, container=container
            )
            calc = average_value_replicas(
                current_replicas=ctx.current_replicas,
                target_milli=target.average_value_milli,
                resource=name,
                tolerances=ctx.tolerances,
                pods=ctx.pods,
                samples=samples,
                now=ctx.now,
                config=ctx.config,
            )
        except MetricFetchError as exc:
            raise ValueError(
                f"failed to get {name} usage: unable to get metrics for resource {name}: {exc}"
            ) from exc
        except CalculationError as exc:
            raise ValueError(f"failed to get {name} usage: {exc}") from exc
        return _Outcome(calc, MetricValueStatus(average_value_milli=calc.usage), f"{name} resource")
    if target is None or target.average_utilization is None:
        raise ValueError(
            "invalid resource metric source: neither an average utilization target nor an average value"
            " (usage) target was set"
        )
    try:
        samples = ctx.reader.resource_metrics(
            name, namespace=ctx.namespace, selector=ctx.selector, container=container
        )
        calc = utilization_replicas(
            current_replicas=ctx.current_replicas,
            target_utilization=target.average_utilization,
            resource=name,
            container=container,
            tolerances=ctx.tolerances,
            pods=ctx.pods,
            samples=samples,
            now=ctx.now,
            config=ctx.config,
        )
    except MetricFetchError as exc:
        raise ValueError(
            f"failed to get {name} utilization: unable to get metrics for resource {name}: {exc}"
        ) from exc
    except CalculationError as exc:
        raise ValueError(f"failed to get {name} utilization: {exc}") from exc
    kind = "container resource" if container is not None else "resource"
    current = MetricValueStatus(average_utilization=calc.utilization, average_value_milli=calc.usage)
    return _Outcome(calc, current, f"{name} {kind} utilization (percentage of request)")


def _resource_outcome(spec: MetricSpec, ctx: MetricContext) -> _Outcome:
    try:
        return _resource(spec, ctx)
    except ValueError as exc:
        if spec.type == MetricSourceType.CONTAINER_RESOURCE:
            outer = f"failed to get {spec.container} container metric value: {exc}"
            raise _Failed("FailedGetContainerResourceMetric", str(exc), outer) from exc
        raise _Failed(
            "FailedGetResourceMetric", str(exc), f"failed to get {spec.name} resource metric value: {exc}"
        ) from exc


def _pods_outcome(spec: MetricSpec, ctx: MetricContext) -> _Outcome:
    target = spec.target
    if target is None or target.average_value_milli is None:
        inner = "invalid pods metric source: an average value target was not set"
        raise _Failed("FailedGetPodsMetric", inner, f"failed to get pods metric value: {inner}")
    try:
        samples = ctx.reader.pods_metric(
            spec.name, namespace=ctx.namespace, selector=ctx.selector, metric_selector=spec.metric_selector
        )
    except MetricFetchError as exc:
        inner = f"unable to get metric {spec.name}: {exc}"
        raise _Failed("FailedGetPodsMetric", inner, f"failed to get pods metric value: {inner}") from exc
    try:
        calc = average_value_replicas(
            current_replicas=ctx.current_replicas,
            target_milli=target.average_value_milli,
            resource="",
            tolerances=ctx.tolerances,
            pods=ctx.pods,
            samples=samples,
            now=ctx.now,
            config=ctx.config,
        )
    except CalculationError as exc:
        raise _Failed("FailedGetPodsMetric", str(exc), f"failed to get pods metric value: {exc}") from exc
    return _Outcome(calc, MetricValueStatus(average_value_milli=calc.usage), f"pods metric {spec.name}")


def _object_outcome(spec: MetricSpec, ctx: MetricContext) -> _Outcome:
    target, ref = spec.target, spec.described_object
    wrap = "failed to get object metric value: "
    is_value = target is not None and target.type == "Value" and target.value_milli is not None
    is_average = (
        target is not None and target.type == "AverageValue" and target.average_value_milli is not None
    )
    if ref is None or target is None or not (is_value or is_average):
        inner = "invalid object metric source: neither a value target nor an average value target was set"
        raise _Failed("FailedGetObjectMetric", inner, wrap + inner)
    try:
        usage = ctx.reader.object_metric(
            spec.name, namespace=ctx.namespace, described_object=ref, metric_selector=spec.metric_selector
        )
    except MetricFetchError as exc:
        inner = f"unable to get metric {spec.name}: {ref.kind} on {ctx.namespace} {ref.name}/{exc}"
        outer = wrap + (inner if is_value else f"failed to get {spec.name} object metric: {inner}")
        raise _Failed("FailedGetObjectMetric", inner, outer) from exc
    if is_value and target.value_milli is not None:
        try:
            calc = value_replicas(
                current_replicas=ctx.current_replicas,
                usage=usage,
                target_milli=target.value_milli,
                tolerances=ctx.tolerances,
                pods=ctx.pods,
            )
        except CalculationError as exc:
            raise _Failed("FailedGetObjectMetric", str(exc), wrap + str(exc)) from exc
        return _Outcome(
            calc, MetricValueStatus(value_milli=calc.usage), f"{ref.kind} metric {spec.name}", ref
        )
    assert target.average_value_milli is not None
    calc = per_pod_replicas(
        status_replicas=ctx.status_replicas,
        usage=usage,
        target_milli=target.average_value_milli,
        tolerances=ctx.tolerances,
        external=False,
    )
    description = f"external metric {spec.name}({go_string(spec.metric_selector)})"
    return _Outcome(
        calc,
        MetricValueStatus(average_value_milli=calc.usage),
        description,
        CrossVersionObjectReference("", ""),
    )


def _external_outcome(spec: MetricSpec, ctx: MetricContext) -> _Outcome:
    target, name = spec.target, spec.name
    wrap = f"failed to get {name} external metric value: "
    description = f"external metric {name}({go_string(spec.metric_selector)})"
    if target is None or (target.average_value_milli is None and target.value_milli is None):
        inner = "invalid external metric source: neither a value target nor an average value target was set"
        raise _Failed("FailedGetExternalMetric", inner, wrap + inner)
    average = target.average_value_milli is not None
    middle = (
        f"failed to get {name} external metric: " if average else f"failed to get external metric {name}: "
    )
    try:
        values = ctx.reader.external_metric(
            name, namespace=ctx.namespace, metric_selector=spec.metric_selector
        )
    except MetricFetchError as exc:
        inner = (
            f"unable to get external metric {ctx.namespace}/{name}/{go_string(spec.metric_selector)}: {exc}"
        )
        raise _Failed("FailedGetExternalMetric", inner, wrap + middle + inner) from exc
    if target.average_value_milli is not None:
        calc = per_pod_replicas(
            status_replicas=ctx.status_replicas,
            usage=sum_external_for_average(values),
            target_milli=target.average_value_milli,
            tolerances=ctx.tolerances,
            external=True,
        )
        return _Outcome(calc, MetricValueStatus(average_value_milli=calc.usage), description)
    assert target.value_milli is not None
    try:
        calc = value_replicas(
            current_replicas=ctx.current_replicas,
            usage=sum_external_for_value(values),
            target_milli=target.value_milli,
            tolerances=ctx.tolerances,
            pods=ctx.pods,
        )
    except CalculationError as exc:
        raise _Failed("FailedGetExternalMetric", str(exc), wrap + middle + str(exc)) from exc
    return _Outcome(calc, MetricValueStatus(value_milli=calc.usage), description)


def _outcome(spec: MetricSpec, ctx: MetricContext) -> _Outcome:
    if spec.type in (MetricSourceType.RESOURCE, MetricSourceType.CONTAINER_RESOURCE):
        return _resource_outcome(spec, ctx)
    if spec.type == MetricSourceType.PODS:
        return _pods_outcome(spec, ctx)
    if spec.type == MetricSourceType.OBJECT:
        return _object_outcome(spec, ctx)
    if spec.type == MetricSourceType.EXTERNAL:
        return _external_outcome(spec, ctx)
    message = f'unknown metric source type "{spec.type}"'
    raise _Failed("InvalidMetricSourceType", message, message)


def compute_proposal(spec: MetricSpec, *, index: int, ctx: MetricContext) -> MetricProposal:
    """The proposal for ``spec.metrics[index]``, or its error and ScalingActive=False condition."""
    try:
        outcome = _outcome(spec, ctx)
    except _Failed as failure:
        condition = Condition(
            type="ScalingActive",
            status="False",
            reason=failure.reason,
            message=f"the HPA was unable to compute the replica count: {failure.inner}",
        )
        return MetricProposal(
            index=index, spec=spec, status=MetricStatus(), error=failure.outer, condition=condition
        )
    status = MetricStatus(
        type=spec.type, spec=spec, current=outcome.current, described_object=outcome.described_object
    )
    return MetricProposal(
        index=index,
        spec=spec,
        status=status,
        replicas=outcome.calculation.replicas,
        description=outcome.description,
        calculation=outcome.calculation,
    )

"""The ``hpa step`` input document (camelCase JSON) and its conversion to algorithm inputs.

Fields: ``now`` (RFC 3339), ``controller`` (optional flags and feature gates), ``hpa``, ``scale``
(``null`` = the scale read fails), ``pods``, ``podMetrics``, ``customMetrics`` and
``externalMetrics`` (keyed by metric name), ``failingMetrics`` (``[{"type": "External", "name":
"q"}]``; no name = every metric of that type) and ``state`` (``null`` when the controller has never
seen this HPA; a state without ``recommendations`` is seeded too, an empty list is not, as in Go
where only a nil slice is seeded). ``parse_step_input`` validates and converts; every problem is an
``InputError`` naming the field path.

A part that names its type must be the expected one: ``hpa`` an autoscaling/v2
HorizontalPodAutoscaler (an autoscaling/v1 one has no ``metrics`` and would silently read as the
default CPU target), ``scale`` a Scale, ``pods`` and ``podMetrics`` their list kinds or the ``List``
that ``kubectl get -o json`` prints, each custom or external value list its own kind. Parts written
without ``kind``/``apiVersion`` are read as they are.

This module knows nothing of how the inputs are used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, ConfigDict, Field, ValidationError

from autoscaler.hpa.behavior.state import HPAState, Recommendation, ScaleEvent
from autoscaler.hpa.metrics.static_reader import FailingMetric, StaticMetricsReader
from autoscaler.hpa.spec.config import ControllerConfig, FeatureGates
from autoscaler.hpa.spec.horizontal_pod_autoscaler import HorizontalPodAutoscaler
from autoscaler.hpa.spec.objects import Pod, Scale
from autoscaler.hpa.step.errors import InputError, format_validation_error
from autoscaler.hpa.step.hpa_from_wire import to_hpa
from autoscaler.hpa.step.objects_from_wire import (
    to_custom_values,
    to_external_values,
    to_pod_metrics,
    to_pods,
    to_scale,
)
from metrics_adapter.kube import WireModel
from metrics_adapter.kube.autoscaling import (
    ExternalMetricValueListWire,
    HorizontalPodAutoscalerWire,
    MetricValueListWire,
    PodListWire,
    PodMetricsListWire,
    ScaleWire,
)

__all__ = ["StepInput", "StepInputModel", "parse_step_input"]

NonNegative = Annotated[float, Field(ge=0)]


class FeatureGatesModel(WireModel):
    model_config = ConfigDict(extra="forbid")

    hpa_configurable_tolerance: bool = Field(default=True, alias="HPAConfigurableTolerance")
    hpa_scale_to_zero: bool = Field(default=False, alias="HPAScaleToZero")
    pod_level_resources: bool = Field(default=True, alias="PodLevelResources")


class ControllerModel(WireModel):
    model_config = ConfigDict(extra="forbid")

    tolerance: NonNegative = 0.1
    downscale_stabilization_window_seconds: NonNegative = 300
    cpu_initialization_period_seconds: NonNegative = 300
    initial_readiness_delay_seconds: NonNegative = 30
    sync_period_seconds: Annotated[float, Field(gt=0)] = 15
    feature_gates: FeatureGatesModel = Field(default_factory=FeatureGatesModel)


class FailingMetricModel(WireModel):
    type: Literal["Resource", "ContainerResource", "Pods", "Object", "External"]
    name: str | None = None
    message: str | None = None


class RecommendationModel(WireModel):
    replicas: int
    timestamp: AwareDatetime


class ScaleEventModel(WireModel):
    replica_change: Annotated[int, Field(ge=0)]
    timestamp: AwareDatetime
    outdated: bool = False


class StateModel(WireModel):
    recommendations: list[RecommendationModel] | None = None
    scale_up_events: list[ScaleEventModel] = Field(default_factory=list)
    scale_down_events: list[ScaleEventModel] = Field(default_factory=list)


class StepInputModel(WireModel):
    model_config = ConfigDict(extra="forbid")

    now: AwareDatetime
    controller: ControllerModel | None = None
    hpa: HorizontalPodAutoscalerWire
    scale: ScaleWire | None
    pods: PodListWire | None = None
    pod_metrics: PodMetricsListWire | None = None
    custom_metrics: dict[str, MetricValueListWire] | None = None
    external_metrics: dict[str, ExternalMetricValueListWire] | None = None
    failing_metrics: list[FailingMetricModel] | None = None
    state: StateModel | None = None


@dataclass(frozen=True, slots=True)
class StepInput:
    now: datetime
    config: ControllerConfig
    hpa: HorizontalPodAutoscaler
    scale: Scale | None
    pods: tuple[Pod, ...]
    reader: StaticMetricsReader
    state: HPAState | None


def _config(model: ControllerModel | None) -> ControllerConfig:
    model = model or ControllerModel()
    gates = model.feature_gates
    return ControllerConfig(
        tolerance=model.tolerance,
        downscale_stabilization_window=timedelta(seconds=model.downscale_stabilization_window_seconds),
        cpu_initialization_period=timedelta(seconds=model.cpu_initialization_period_seconds),
        initial_readiness_delay=timedelta(seconds=model.initial_readiness_delay_seconds),
        sync_period=timedelta(seconds=model.sync_period_seconds),
        feature_gates=FeatureGates(
            hpa_configurable_tolerance=gates.hpa_configurable_tolerance,
            hpa_scale_to_zero=gates.hpa_scale_to_zero,
            pod_level_resources=gates.pod_level_resources,
        ),
    )


def _state(model: StateModel | None) -> HPAState | None:
    if model is None:
        return None
    recommendations = None
    if model.recommendations is not None:
        recommendations = tuple(Recommendation(r.replicas, r.timestamp) for r in model.recommendations)

    def events(items: list[ScaleEventModel]) -> tuple[ScaleEvent, ...]:
        return tuple(ScaleEvent(e.replica_change, e.timestamp, e.outdated) for e in items)

    return HPAState(recommendations, events(model.scale_up_events), events(model.scale_down_events))


def _reader(model: StepInputModel) -> StaticMetricsReader:
    failures = tuple(
        FailingMetric(f.type, f.name, f.message) if f.message else FailingMetric(f.type, f.name)
        for f in model.failing_metrics or ()
    )
    return StaticMetricsReader(
        pod_metrics=to_pod_metrics(model.pod_metrics),
        custom_metrics=to_custom_values(model.custom_metrics),
        external_metrics=to_external_values(model.external_metrics),
        failures=failures,
    )


HPA_API_VERSION = "autoscaling/v2"
_KINDS: dict[str, tuple[str, ...]] = {
    "hpa": ("HorizontalPodAutoscaler",),
    "scale": ("Scale",),
    "pods": ("PodList", "List"),
    "podMetrics": ("PodMetricsList", "List"),
}
_LIST_KINDS = {"customMetrics": "MetricValueList", "externalMetrics": "ExternalMetricValueList"}


def _check_kind(part: Any, path: str, kinds: tuple[str, ...]) -> None:
    kind = part.get("kind") if isinstance(part, Mapping) else None
    if kind is not None and kind not in kinds:
        hint = " (print one object: kubectl get hpa NAME -o json)" if path == "hpa" and kind == "List" else ""
        raise InputError(f"{path}.kind", f"must be {' or '.join(kinds)}, got {kind!r}{hint}")


def _check_types(data: Mapping[str, Any]) -> None:
    for key, kinds in _KINDS.items():
        _check_kind(data.get(key), key, kinds)
    for key, kind in _LIST_KINDS.items():
        lists = data.get(key)
        for name, values in lists.items() if isinstance(lists, Mapping) else ():
            _check_kind(values, f"{key}.{name}", (kind,))
    hpa = data.get("hpa")
    api_version = hpa.get("apiVersion") if isinstance(hpa, Mapping) else None
    if api_version is not None and api_version != HPA_API_VERSION:
        raise InputError(
            "hpa.apiVersion",
            f"must be {HPA_API_VERSION}, got {api_version!r}"
            f" (kubectl get hpa.v2.autoscaling NAME -o json prints it so)",
        )


def parse_step_input(data: Mapping[str, Any]) -> StepInput:
    """Validate and convert a decoded ``hpa step`` document; raises ``InputError``."""
    if not isinstance(data, Mapping):
        raise InputError("", "the input must be a JSON object")
    _check_types(data)
    try:
        model = StepInputModel.model_validate(data)
    except ValidationError as exc:
        raise InputError("", format_validation_error(exc)) from exc
    return StepInput(
        now=model.now,
        config=_config(model.controller),
        hpa=to_hpa(model.hpa),
        scale=to_scale(model.scale) if model.scale is not None else None,
        pods=to_pods(model.pods),
        reader=_reader(model),
        state=_state(model.state),
    )

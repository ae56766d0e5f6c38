"""autoscaling/v2 HorizontalPodAutoscaler objects from the ``autoscaling`` config section.

Each workload's metric is looked up in the catalogue and must be served for the source type used,
under the exact name the metrics API serves it:

* ``Pods``: a custom metric with a ``pods`` association; AverageValue target; no selector;
* ``Object``: a custom metric with a ``deployments.apps`` association, described object the
  workload's Deployment; Value or AverageValue target;
* ``External``: an external metric; ``selector`` becomes ``metric.selector.matchLabels`` and may
  only name the labels the metric offers.

Without ``source``: External for external metrics, Pods when the metric has a pods association,
else Object. ``predictive: true`` adds the External metric ``servescale_forecast_requests_per_second``
of the Deployment at its horizon beside it (the HPA takes the larger proposal, so the forecast only
adds capacity early); ``minReplicas: 0`` needs an Object or External metric (HPAScaleToZero).
Quantities are written as Kubernetes writes them (``8``, ``500m``). Every problem is a
``ManifestError`` naming the field. Knows the catalogue's definitions, not how they are queried.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from autoscaler.forecast import FORECAST_METRIC, horizon_label
from autoscaler.hpa.step.errors import format_validation_error
from autoscaler.simulation.autoscaling_config import AutoscalingConfig, BehaviorModel, WorkloadModel
from metrics_adapter.catalogue import Api, Catalogue, MetricDefinition
from metrics_adapter.kube import GroupResource, format_quantity

__all__ = [
    "ManifestError",
    "build_manifests",
    "forecast_metric_entry",
    "hpa_manifest",
    "load_autoscaling_config",
    "parse_autoscaling_config",
    "write_manifests_text",
]

PODS = GroupResource("pods")
DEPLOYMENTS = GroupResource("deployments", "apps")


class ManifestError(ValueError):
    """A workload that cannot become an HPA; the message names the field."""


def write_manifests_text(manifests: list[dict[str, Any]]) -> str:
    """Manifests as YAML documents separated by ``---``, keys in Kubernetes order."""
    return yaml.safe_dump_all(manifests, sort_keys=False)


def parse_autoscaling_config(data: object, *, source: str = "<config>") -> AutoscalingConfig:
    try:
        return AutoscalingConfig.model_validate(data)
    except ValidationError as exc:
        raise ManifestError(f"{source}:\n{format_validation_error(exc)}") from exc


def load_autoscaling_config(path: Path | str) -> AutoscalingConfig:
    file = Path(path)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ManifestError(f"{file}: cannot read file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ManifestError(f"{file}: not UTF-8 text: {exc.reason} at byte {exc.start}") from exc
    except yaml.YAMLError as exc:
        raise ManifestError(f"{file}: not valid YAML: {exc}") from exc
    return parse_autoscaling_config(data, source=str(file))


def _behavior(model: BehaviorModel | None) -> dict[str, Any] | None:
    return None if model is None else model.model_dump(by_alias=True, exclude_none=True)


def hpa_manifest(
    *,
    name: str,
    namespace: str,
    deployment: str,
    metric: dict[str, Any],
    min_replicas: int,
    max_replicas: int,
    behavior: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One HorizontalPodAutoscaler object around one ``spec.metrics`` entry."""
    spec: dict[str, Any] = {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": deployment},
        "minReplicas": min_replicas,
        "maxReplicas": max_replicas,
        "metrics": [metric],
    }
    if behavior:
        spec["behavior"] = behavior
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


def _source(definition: MetricDefinition, workload: WorkloadModel) -> str:
    if workload.source is not None:
        return workload.source
    if definition.api is Api.EXTERNAL:
        return "External"
    return "Pods" if definition.association(PODS) is not None else "Object"


def _metric_entry(definition: MetricDefinition, workload: WorkloadModel, path: str) -> dict[str, Any]:
    source = _source(definition, workload)
    target_type = workload.target.type
    quantity = format_quantity(workload.target.value)
    target = {"type": target_type, "averageValue" if target_type == "AverageValue" else "value": quantity}
    if source != "External" and workload.selector is not None:
        raise ManifestError(f"{path}.selector: only External metrics take a selector")
    if source == "External":
        if definition.api is not Api.EXTERNAL or definition.external is None:
            raise ManifestError(f"{path}.metric: {definition.name} is a custom metric, not an external one")
        allowed = definition.external.labels
        unknown = sorted(set(workload.selector or {}) - set(allowed)) if allowed else []
        if unknown:
            raise ManifestError(
                f"{path}.selector: {definition.name} cannot be selected by {', '.join(unknown)} "
                f"(it offers {', '.join(allowed)})"
            )
        identifier: dict[str, Any] = {"name": definition.name}
        if workload.selector:
            identifier["selector"] = {"matchLabels": dict(workload.selector)}
        return {"type": "External", "external": {"metric": identifier, "target": target}}
    if definition.api is not Api.CUSTOM:
        raise ManifestError(f"{path}.metric: {definition.name} is an external metric: use source External")
    resource = PODS if source == "Pods" else DEPLOYMENTS
    if definition.association(resource) is None:
        served = ", ".join(str(r) for r in definition.resources)
        raise ManifestError(f"{path}.metric: {definition.name} is not served for {resource} (only {served})")
    if source == "Pods":
        if target_type != "AverageValue":
            raise ManifestError(f"{path}.target.type: a Pods metric needs an AverageValue target")
        return {"type": "Pods", "pods": {"metric": {"name": definition.name}, "target": target}}
    described = {"apiVersion": "apps/v1", "kind": "Deployment", "name": workload.deployment}
    return {
        "type": "Object",
        "object": {"describedObject": described, "metric": {"name": definition.name}, "target": target},
    }


REQUEST_RATE = "istio_requests_per_second"


def forecast_metric_entry(workload: WorkloadModel, path: str) -> dict[str, Any]:
    """The External forecast metric of ``workload``'s Deployment at its horizon, per-pod target.

    The target is ``forecastTarget`` (requests/s per pod), or the workload's own AverageValue
    target when it scales on the request rate already.
    """
    target = workload.forecast_target
    if target is None:
        if workload.metric != REQUEST_RATE or workload.target.type != "AverageValue":
            raise ManifestError(
                f"{path}.forecastTarget: predictive scaling on {workload.metric} needs the requests/s "
                "per pod the forecast is divided by"
            )
        target = workload.target.value
    selector = {"deployment": workload.deployment, "horizon": horizon_label(workload.horizon_seconds)}
    return {
        "type": "External",
        "external": {
            "metric": {"name": FORECAST_METRIC, "selector": {"matchLabels": selector}},
            "target": {"type": "AverageValue", "averageValue": format_quantity(target)},
        },
    }


def build_manifests(config: AutoscalingConfig, catalogue: Catalogue) -> list[dict[str, Any]]:
    """One HPA per workload, in config order; names must be unique per namespace."""
    manifests = []
    seen: set[tuple[str, str]] = set()
    for index, workload in enumerate(config.autoscaling.workloads):
        path = f"autoscaling.workloads[{index}]"
        if workload.metric not in catalogue:
            raise ManifestError(f"{path}.metric: no metric {workload.metric!r} in the catalogue")
        key = (workload.namespace, workload.hpa_name)
        if key in seen:
            raise ManifestError(f"{path}.name: a second HPA {workload.namespace}/{workload.hpa_name}")
        seen.add(key)
        metric = _metric_entry(catalogue.get(workload.metric), workload, path)
        extra = [forecast_metric_entry(workload, path)] if workload.predictive else []
        if workload.min_replicas == 0 and not any(
            entry["type"] in ("Object", "External") for entry in (metric, *extra)
        ):
            raise ManifestError(
                f"{path}.minReplicas: 0 (HPAScaleToZero) needs an Object or External metric, "
                f"and {workload.metric} is a Pods metric"
            )
        manifest = hpa_manifest(
            name=workload.hpa_name,
            namespace=workload.namespace,
            deployment=workload.deployment,
            metric=metric,
            min_replicas=workload.min_replicas,
            max_replicas=workload.max_replicas,
            behavior=_behavior(workload.behavior),
        )
        manifest["spec"]["metrics"].extend(extra)
        manifests.append(manifest)
    return manifests

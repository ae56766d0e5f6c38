"""KEDA ScaledObjects (keda.sh/v1alpha1) from the ``autoscaling`` config section, scaled by our
external scaler (``servescale serve --keda-port``): KEDA owns the 0 <-> 1 step and the HPA.

Per workload, one ``external-push`` trigger (KEDA calls ``StreamIsActive``, so the first queued
message wakes the workload without waiting for a poll) whose ``metadata`` our scaler reads:
``metric``, ``target``, ``activationThreshold`` and either ``deployment`` (a custom metric: the
Deployment's Object value) or ``selector`` (an external metric's ``matchLabels``). KEDA divides the
value by the replicas (AverageValue) unless the target is a ``Value``. A Pods or Object metric is
therefore read on the Deployment, which only means the same thing for additive metrics (request
rates, queue depths: the Deployment's value is the sum over its pods); a quantile or a ratio is
refused. ``predictive: true`` adds the forecast metric as a second trigger. ``minReplicas``
becomes ``minReplicaCount`` (0 scales to zero), ``behavior`` goes to the HPA KEDA creates.
"""

from __future__ import annotations

from typing import Any

from autoscaler.forecast import FORECAST_METRIC, horizon_label
from autoscaler.simulation.autoscaling_config import AutoscalingConfig, WorkloadModel
from autoscaler.simulation.history_query import is_additive
from autoscaler.simulation.hpa_manifests import REQUEST_RATE, ManifestError
from metrics_adapter.catalogue import Api, Catalogue
from metrics_adapter.kube import format_quantity

__all__ = ["build_scaled_objects"]


def _trigger(name: str, metadata: dict[str, str], *, value_target: bool, address: str) -> dict[str, Any]:
    trigger: dict[str, Any] = {
        "type": "external-push",
        "name": name,
        "metadata": {"scalerAddress": address, **metadata},
    }
    if value_target:
        trigger["metricType"] = "Value"
    return trigger


def _reactive(workload: WorkloadModel, catalogue: Catalogue, path: str, address: str) -> dict[str, Any]:
    definition = catalogue.get(workload.metric)
    metadata = {
        "metric": workload.metric,
        "target": format_quantity(workload.target.value),
        "activationThreshold": format_quantity(workload.activation_threshold)
        if workload.activation_threshold
        else "0",
    }
    if definition.api is Api.EXTERNAL:
        if workload.selector:
            metadata["selector"] = ",".join(f"{k}={v}" for k, v in sorted(workload.selector.items()))
    else:
        if workload.selector is not None:
            raise ManifestError(f"{path}.selector: only External metrics take a selector")
        if not is_additive(definition):
            raise ManifestError(
                f"{path}.metric: KEDA divides the Deployment's {workload.metric} by the replicas, which "
                "only means a per-pod value for additive metrics (rates, queue depths)"
            )
        metadata["deployment"] = workload.deployment
    return _trigger(
        workload.metric.replace("_", "-"),
        metadata,
        value_target=workload.target.type == "Value",
        address=address,
    )


def _forecast(workload: WorkloadModel, path: str, address: str) -> dict[str, Any]:
    target = workload.forecast_target
    if target is None:
        if workload.metric != REQUEST_RATE or workload.target.type != "AverageValue":
            raise ManifestError(f"{path}.forecastTarget: predictive scaling on {workload.metric} needs it")
        target = workload.target.value
    selector = f"deployment={workload.deployment},horizon={horizon_label(workload.horizon_seconds)}"
    metadata = {"metric": FORECAST_METRIC, "selector": selector, "target": format_quantity(target)}
    return _trigger("forecast", metadata, value_target=False, address=address)


def build_scaled_objects(
    config: AutoscalingConfig, catalogue: Catalogue, *, scaler_address: str
) -> list[dict[str, Any]]:
    """One ScaledObject per workload, in config order, named like its HPA."""
    objects = []
    for index, workload in enumerate(config.autoscaling.workloads):
        path = f"autoscaling.workloads[{index}]"
        if workload.metric not in catalogue:
            raise ManifestError(f"{path}.metric: no metric {workload.metric!r} in the catalogue")
        triggers = [_reactive(workload, catalogue, path, scaler_address)]
        if workload.predictive:
            triggers.append(_forecast(workload, path, scaler_address))
        spec: dict[str, Any] = {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": workload.deployment},
            "minReplicaCount": workload.min_replicas,
            "maxReplicaCount": workload.max_replicas,
            "triggers": triggers,
        }
        if workload.behavior is not None:
            behavior = workload.behavior.model_dump(by_alias=True, exclude_none=True)
            spec["advanced"] = {"horizontalPodAutoscalerConfig": {"behavior": behavior}}
        objects.append(
            {
                "apiVersion": "keda.sh/v1alpha1",
                "kind": "ScaledObject",
                "metadata": {"name": workload.hpa_name, "namespace": workload.namespace},
                "spec": spec,
            }
        )
    return objects

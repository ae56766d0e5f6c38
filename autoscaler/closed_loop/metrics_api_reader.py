"""Fetch an HPA's metrics from the custom and external metrics APIs over HTTP, as the controller does.

Requests per metric type (custom.metrics.k8s.io v1beta2, external.metrics.k8s.io v1beta1):

* Pods: ``GET namespaces/{ns}/pods/*/{metric}?labelSelector={scale selector}&metricLabelSelector=...``
* Object: ``GET namespaces/{ns}/{resource}/{name}/{metric}`` (``metrics/{metric}`` for a Namespace)
* External: ``GET namespaces/{ns}/{metric}?labelSelector=...``

Every answer becomes the in-memory reader the pure algorithm reads; an error ``Status`` (or an
unreachable server) becomes a failing metric carrying its message, as the HPA's events show.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import httpx

from autoscaler.hpa.metrics.static_reader import (
    CustomMetricValue,
    ExternalMetricValue,
    FailingMetric,
    StaticMetricsReader,
)
from autoscaler.hpa.spec.horizontal_pod_autoscaler import HorizontalPodAutoscaler, MetricSpec
from metrics_adapter.kube import lookup_resource, milli_value, parse_quantity, parse_time

CUSTOM = "/apis/custom.metrics.k8s.io/v1beta2"
EXTERNAL = "/apis/external.metrics.k8s.io/v1beta1"
# Kind -> plural group-resource for Object metrics on the usual targets.
_PLURALS = {"Deployment": "deployments.apps", "StatefulSet": "statefulsets.apps", "Service": "services"}


def _request(hpa: HorizontalPodAutoscaler, metric: MetricSpec, selector: str) -> tuple[str, dict[str, str]]:
    namespace = hpa.namespace
    params: dict[str, str] = {}
    series = str(metric.metric_selector) if metric.metric_selector is not None else ""
    if metric.type == "Pods":
        params["labelSelector"] = selector
        if series:
            params["metricLabelSelector"] = series
        return f"{CUSTOM}/namespaces/{namespace}/pods/*/{metric.name}", params
    if metric.type == "Object":
        described = metric.described_object
        assert described is not None
        if series:
            params["metricLabelSelector"] = series
        if described.kind == "Namespace":
            return f"{CUSTOM}/namespaces/{namespace}/metrics/{metric.name}", params
        resource = _PLURALS.get(described.kind) or str(
            lookup_resource(described.kind.lower()).group_resource  # type: ignore[union-attr]
        )
        return f"{CUSTOM}/namespaces/{namespace}/{resource}/{described.name}/{metric.name}", params
    if series:
        params["labelSelector"] = series
    return f"{EXTERNAL}/namespaces/{namespace}/{metric.name}", params


def _custom_values(items: Sequence[Mapping[str, Any]]) -> list[CustomMetricValue]:
    return [
        CustomMetricValue(
            kind=item["describedObject"]["kind"],
            name=item["describedObject"]["name"],
            value=milli_value(parse_quantity(item["value"])),
            timestamp=parse_time(item["timestamp"]),
            namespace=item["describedObject"].get("namespace"),
            window=timedelta(seconds=item["windowSeconds"]) if item.get("windowSeconds") else None,
        )
        for item in items
    ]


def _external_values(items: Sequence[Mapping[str, Any]]) -> list[ExternalMetricValue]:
    return [
        ExternalMetricValue(
            value=milli_value(parse_quantity(item["value"])),
            timestamp=parse_time(item["timestamp"]),
            labels=dict(item.get("metricLabels") or {}),
        )
        for item in items
    ]


async def fetch_metrics(
    client: httpx.AsyncClient, hpa: HorizontalPodAutoscaler, *, selector: str
) -> StaticMetricsReader:
    """Ask the metrics API for every custom/external metric of ``hpa``; ``client`` has the base URL."""
    custom: dict[str, list[CustomMetricValue]] = {}
    external: dict[str, list[ExternalMetricValue]] = {}
    failures: list[FailingMetric] = []
    for metric in hpa.metrics:
        if metric.type not in ("Pods", "Object", "External"):
            failures.append(FailingMetric(metric.type, metric.name, "no resource metrics API in the sandbox"))
            continue
        path, params = _request(hpa, metric, selector)
        try:
            response = await client.get(path, params=params)
        except httpx.HTTPError as exc:
            failures.append(FailingMetric(metric.type, metric.name, f"metrics API unreachable: {exc}"))
            continue
        body = response.json()
        if response.status_code != 200:
            failures.append(FailingMetric(metric.type, metric.name, str(body.get("message", response.text))))
        elif metric.type == "External":
            external.setdefault(metric.name, []).extend(_external_values(body["items"]))
        else:
            custom.setdefault(metric.name, []).extend(_custom_values(body["items"]))
    return StaticMetricsReader(custom_metrics=custom, external_metrics=external, failures=failures)

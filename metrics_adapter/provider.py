"""The ``MetricsProvider`` seam between the HTTP edge and where values come from, and its errors.

custom-metrics-apiserver's whole contract, in Python: list the metrics, get custom metric values
for a request, get external metric values. The HTTP edge (``api.py``) turns these errors into
Kubernetes ``Status`` answers; a provider never builds HTTP responses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from metrics_adapter.kube import (
    CustomMetricRequest,
    ExternalMetricRequest,
    ExternalMetricValue,
    MetricResource,
    MetricValue,
)


class ProviderError(Exception):
    """Base of provider failures; the HTTP edge maps each subclass to one status code."""


class MetricNotFoundError(ProviderError):
    """404: the metric is not served for that resource, or no value is left for the request.

    The HPA treats this like any error (the metric is invalid, no scale-down), which is the
    safe answer when there is no data: never a made-up 0.
    """

    def __init__(
        self,
        metric: str,
        *,
        group_resource: str,
        name: str | None = None,
        selector: str | None = None,
        detail: str = "",
        external: bool = False,
    ) -> None:
        self.metric = metric
        self.group_resource = group_resource
        self.name = name
        self.selector = selector
        self.detail = detail
        self.external = external
        super().__init__(f"metric {metric} for {group_resource} {name or ''}: {detail}".strip())


class BadMetricRequestError(ProviderError):
    """400: the request cannot be answered as asked (e.g. a selector Prometheus cannot express)."""


class UpstreamUnavailableError(ProviderError):
    """503: Prometheus (or the pod source) cannot be reached or is not ready."""


class StaticProvider:
    """A provider that serves fixed values; for API tests and examples."""

    def __init__(
        self,
        *,
        custom: Sequence[MetricValue] = (),
        external: Sequence[ExternalMetricValue] = (),
        resources: Sequence[MetricResource] = (),
    ) -> None:
        self._custom = list(custom)
        self._external = list(external)
        self._resources = list(resources)

    def custom_metric_resources(self) -> list[MetricResource]:
        return self._resources

    def external_metric_names(self) -> list[str]:
        return sorted({v.metric_name for v in self._external})

    async def get_custom(self, request: CustomMetricRequest) -> list[MetricValue]:
        found = [
            v
            for v in self._custom
            if v.metric_name == request.metric
            and v.described.namespace == request.namespace
            and (request.is_wildcard or v.described.name == request.name)
        ]
        if not found:
            raise MetricNotFoundError(
                request.metric, group_resource=str(request.group_resource), name=request.name
            )
        return found

    async def get_external(self, request: ExternalMetricRequest) -> list[ExternalMetricValue]:
        selector = request.metric_selector
        found = [
            v for v in self._external if v.metric_name == request.metric and selector.matches(v.metric_labels)
        ]
        if not found:
            raise MetricNotFoundError(request.metric, group_resource="", external=True)
        return found


class MetricsProvider(Protocol):
    """Where metric values come from."""

    def custom_metric_resources(self) -> list[MetricResource]:
        """Discovery of custom metrics: from configuration, never empty, never slow."""
        ...

    def external_metric_names(self) -> list[str]:
        """Discovery of external metrics."""
        ...

    async def get_custom(self, request: CustomMetricRequest) -> list[MetricValue]:
        """Values for one object or every matching object; raises a ``ProviderError``."""
        ...

    async def get_external(self, request: ExternalMetricRequest) -> list[ExternalMetricValue]:
        """Values of the series matching the request's selector; raises a ``ProviderError``."""
        ...

"""The metrics API's provider with the forecast metric added: ``servescale_forecast_requests_per_second``.

Wraps the Prometheus provider (every other metric goes to it unchanged) and answers the forecast
from a ``ForecastService``:

* External (``external.metrics.k8s.io``): one series per predictive Deployment of the request's
  namespace, labels ``namespace``, ``deployment`` and ``horizon``, filtered by the metric selector;
* Object on the Deployment (``deployments.apps``, custom metrics): the value for that Deployment
  (or every predictive Deployment of the namespace for ``*``), the label selector ignored.

Quantities carry milli-units. The timestamp is the instant the forecast is for minus the horizon
(now): the value is what the service expects ``horizon`` later. No forecast (short history, bad
fit, refits failing, not predictive) is no item, and with no item left a 404: the HPA goes on with
its other metrics. Never a made-up number.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from autoscaler.forecast import FORECAST_METRIC
from autoscaler.forecast.service import ForecastReading, ForecastService, ForecastTarget
from metrics_adapter.kube import (
    CustomMetricRequest,
    ExternalMetricRequest,
    ExternalMetricValue,
    GroupResource,
    MetricResource,
    MetricValue,
    ObjectReference,
)
from metrics_adapter.provider import MetricNotFoundError, MetricsProvider

__all__ = ["ForecastingProvider", "forecast_quantity"]

DEPLOYMENTS = GroupResource("deployments", "apps")


def forecast_quantity(value: float) -> Decimal:
    """Requests/s as a quantity in whole milli-units (``12.3456`` -> ``12.346``)."""
    return (Decimal(repr(value)) * 1000).to_integral_value() / 1000


class ForecastingProvider:
    """``inner`` plus the forecast metric from ``forecasts``."""

    def __init__(self, inner: MetricsProvider, forecasts: ForecastService) -> None:
        self.inner = inner
        self.forecasts = forecasts

    def custom_metric_resources(self) -> list[MetricResource]:
        return [*self.inner.custom_metric_resources(), MetricResource(DEPLOYMENTS, FORECAST_METRIC, True)]

    def external_metric_names(self) -> list[str]:
        return sorted({*self.inner.external_metric_names(), FORECAST_METRIC})

    def _readings(self, targets: list[ForecastTarget]) -> tuple[list[ForecastReading], list[str]]:
        readings, reasons = [], []
        for target in targets:
            reading = self.forecasts.reading(target)
            if isinstance(reading, ForecastReading):
                readings.append(reading)
            else:
                reasons.append(f"{target.namespace}/{target.deployment}: {reading.reason}")
        return readings, reasons

    @staticmethod
    def _timestamp(reading: ForecastReading) -> datetime:
        return datetime.fromtimestamp(reading.at - reading.target.horizon_seconds, tz=UTC).replace(
            microsecond=0
        )

    async def get_custom(self, request: CustomMetricRequest) -> list[MetricValue]:
        if request.metric != FORECAST_METRIC:
            return await self.inner.get_custom(request)

        def not_found(detail: str) -> MetricNotFoundError:
            return MetricNotFoundError(
                request.metric, group_resource=str(request.group_resource), name=request.name, detail=detail
            )

        if request.group_resource != DEPLOYMENTS or request.namespace is None:
            raise not_found("the forecast is served for deployments.apps only")
        targets = [
            t
            for t in self.forecasts.targets_in(request.namespace)
            if request.is_wildcard or t.deployment == request.name
        ]
        readings, reasons = self._readings(targets)
        if not readings:
            raise not_found("; ".join(reasons) or "not a predictive Deployment")
        return [
            MetricValue(
                described=ObjectReference(
                    kind="Deployment",
                    name=reading.target.deployment,
                    api_version="apps/v1",
                    namespace=reading.target.namespace,
                ),
                metric_name=FORECAST_METRIC,
                timestamp=self._timestamp(reading),
                value=forecast_quantity(reading.value),
            )
            for reading in readings
        ]

    async def get_external(self, request: ExternalMetricRequest) -> list[ExternalMetricValue]:
        if request.metric != FORECAST_METRIC:
            return await self.inner.get_external(request)
        selector = request.metric_selector
        targets = [t for t in self.forecasts.targets_in(request.namespace) if selector.matches(t.labels)]
        readings, reasons = self._readings(targets)
        if not readings:
            raise MetricNotFoundError(
                request.metric,
                group_resource="",
                external=True,
                detail="; ".join(reasons) or "no predictive Deployment matches",
            )
        return [
            ExternalMetricValue(
                metric_name=FORECAST_METRIC,
                timestamp=self._timestamp(reading),
                value=forecast_quantity(reading.value),
                metric_labels=reading.target.labels,
            )
            for reading in readings
        ]

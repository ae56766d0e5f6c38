"""The ``istio`` preset: request rate, error ratio and latency quantiles from Istio's standard metrics.

All series are filtered ``reporter="destination"``: those samples come from the serving pod's
sidecar, so the scrape's ``pod`` label is the server pod (with ``reporter="source"`` it would be
the client, and every meshed call is counted twice without a reporter filter).

==================================  =====  ================================  ==============================
metric                              unit   resources                         source
==================================  =====  ================================  ==============================
``istio_requests_per_second``       1/s    pods, deployments.apps,           ``rate(istio_requests_total)``
                                           services, namespaces
``istio_request_error_ratio``       0..1   pods, deployments.apps, services  5xx rate / all requests rate
``istio_request_duration_p50_ms``   ms     pods, deployments.apps, services  ``histogram_quantile(0.5)``
``istio_request_duration_p90_ms``   ms     pods, deployments.apps, services  ``histogram_quantile(0.9)``
``istio_request_duration_p95_ms``   ms     pods, deployments.apps, services  ``histogram_quantile(0.95)``
``istio_request_duration_p99_ms``   ms     pods, deployments.apps, services  ``histogram_quantile(0.99)``
==================================  =====  ================================  ==============================

Associations: pods by the scrape's pod/namespace labels; ``deployments.apps`` by
``destination_workload`` + ``destination_workload_namespace`` (the workload name, normally the
Deployment); ``services`` by ``destination_service_name`` + ``destination_service_namespace``;
``namespaces`` by the scrape's namespace label.

Quantiles read ``istio_request_duration_milliseconds_bucket``, else
``istio_request_duration_seconds_bucket`` x 1000 (older telemetry). Envoy's default buckets are
``0.5 1 5 10 25 50 100 250 500 1000 2500 5000 10000 ...`` ms, so a quantile is interpolated
within one of them. With no requests in the window the quantile and the error ratio are NaN:
"no value", never 0. Knows recipes and definitions only.
"""

from __future__ import annotations

from dataclasses import dataclass

from metrics_adapter.kube import GroupResource
from metrics_adapter.promql import Duration, eq, re

from ..definition import AbsentPolicy, Association, MetricDefinition
from ..recipes import Aggregation, FirstOf, HistogramQuantile, Rate, Ratio, Recipe, Series
from .options import PresetOptions, select_metrics

__all__ = ["ISTIO_QUANTILES", "IstioOptions", "istio_metrics"]

ISTIO_QUANTILES = (50, 90, 95, 99)
_REPORTER = eq("reporter", "destination")
_DEPLOYMENTS = GroupResource("deployments", "apps")
_SERVICES = GroupResource("services")


@dataclass(frozen=True)
class IstioOptions(PresetOptions):
    """``latency_window``: window of the bucket rates; None means ``rate_window``."""

    latency_window: Duration | None = None


def _associations(options: IstioOptions, *, namespaces: bool) -> tuple[Association, ...]:
    found = (
        options.labels.pods(),
        Association(_DEPLOYMENTS, "destination_workload", "destination_workload_namespace"),
        Association(_SERVICES, "destination_service_name", "destination_service_namespace"),
    )
    return (*found, options.labels.namespaces()) if namespaces else found


def _latency(quantile: float, window: Duration) -> Recipe:
    millis = Series("istio_request_duration_milliseconds_bucket", (_REPORTER,))
    seconds = Series("istio_request_duration_seconds_bucket", (_REPORTER,))
    return FirstOf(
        (
            HistogramQuantile(millis, quantile, window),
            HistogramQuantile(seconds, quantile, window, scale=1000),
        )
    )


def istio_metrics(options: IstioOptions | None = None) -> tuple[MetricDefinition, ...]:
    """The preset's definitions, without ``options.exclude``."""
    options = options or IstioOptions()
    policy = AbsentPolicy(max_staleness_seconds=options.max_staleness_seconds)
    window = options.rate_window
    requests = Series("istio_requests_total", (_REPORTER,))
    errors = Series("istio_requests_total", (_REPORTER, re("response_code", "5..")))
    origin = "preset istio"
    definitions = [
        MetricDefinition(
            "istio_requests_per_second",
            Rate(requests, window),
            description="HTTP/gRPC requests per second received (reporter=destination).",
            unit="1/s",
            aggregation=Aggregation.SUM,
            associations=_associations(options, namespaces=True),
            policy=policy,
            origin=origin,
        ),
        MetricDefinition(
            "istio_request_error_ratio",
            Ratio(Rate(errors, window), Rate(requests, window)),
            description="Share of requests answered 5xx (0..1); no value without traffic.",
            unit="ratio",
            associations=_associations(options, namespaces=False),
            policy=policy,
            origin=origin,
        ),
    ]
    latency_window = options.latency_window or window
    for percentile in ISTIO_QUANTILES:
        definitions.append(
            MetricDefinition(
                f"istio_request_duration_p{percentile}_ms",
                _latency(percentile / 100, latency_window),
                description=f"p{percentile} request duration in milliseconds; no value without traffic.",
                unit="ms",
                associations=_associations(options, namespaces=False),
                policy=policy,
                origin=origin,
            )
        )
    return select_metrics("istio", definitions, options.exclude)

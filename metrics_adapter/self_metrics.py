"""The adapter's own metrics, on a registry passed in (never the global one).

Request counts and latency by route and metric, Prometheus query latency and errors, cache
outcomes, values left out (empty, NaN, stale, absent) and value freshness, so operators can alert
on the adapter itself. Label values come from the configured catalogue and fixed sets only:
no object names, no counts, nothing that grows with the cluster.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

QUERY_ERROR_KINDS = ("timeout", "unavailable", "query", "response")
"""Every ``kind`` of ``servescale_adapter_prometheus_query_errors_total``."""

# custom-metrics-apiserver's freshness histogram: 1 s growing by x1.364, 20 buckets.
FRESHNESS_BUCKETS = tuple(round(1.364**n, 3) for n in range(20))


class AdapterMetrics:
    """Every series the adapter exports about itself."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.requests = Counter(
            "servescale_adapter_requests",
            "Metrics API requests by route kind, metric and HTTP code.",
            ["route", "metric", "code"],
            registry=registry,
        )
        self.request_duration = Histogram(
            "servescale_adapter_request_duration_seconds",
            "Metrics API request latency by route kind and metric.",
            ["route", "metric"],
            registry=registry,
        )
        self.query_duration = Histogram(
            "servescale_adapter_prometheus_query_duration_seconds",
            "Latency of queries sent to Prometheus.",
            registry=registry,
        )
        self.query_errors = Counter(
            "servescale_adapter_prometheus_query_errors",
            "Failed Prometheus queries by kind: timeout, unavailable (refused, reset, 5xx, 429), "
            "query (rejected), response (not the API's JSON).",
            ["kind"],
            registry=registry,
        )
        for kind in QUERY_ERROR_KINDS:  # exported at 0 from the start, so rate() reads 0, not nothing
            self.query_errors.labels(kind)
        self.query_warnings = Counter(
            "servescale_adapter_prometheus_query_warnings",
            "Prometheus answers that carried warnings (e.g. a partial response from Thanos or Mimir).",
            registry=registry,
        )
        self.cache_results = Counter(
            "servescale_adapter_cache_results",
            "Metric value lookups by outcome: hit, miss (queried), coalesced (joined a running query).",
            ["outcome"],
            registry=registry,
        )
        self.values_left_out = Counter(
            "servescale_adapter_values_left_out",
            "Objects answered without a value, by metric and reason (empty, nan, stale, future, absent).",
            ["metric", "reason"],
            registry=registry,
        )
        self.values_substituted = Counter(
            "servescale_adapter_values_substituted",
            "Values answered by policy rather than measured, by metric and policy (zero, fallback).",
            ["metric", "policy"],
            registry=registry,
        )
        self.freshness = Histogram(
            "servescale_adapter_metric_freshness_seconds",
            "Age of the oldest value in each answer: request time minus its sample timestamp.",
            ["api"],
            buckets=FRESHNESS_BUCKETS,
            registry=registry,
        )

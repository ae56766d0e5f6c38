"""The adapter's error counters exist at 0 before any error, so a rate over them reads 0, not nothing."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from metrics_adapter.self_metrics import QUERY_ERROR_KINDS, AdapterMetrics


def test_every_query_error_kind_is_exported_at_zero_from_the_start() -> None:
    registry = CollectorRegistry()
    AdapterMetrics(registry)
    values = {
        kind: registry.get_sample_value("servescale_adapter_prometheus_query_errors_total", {"kind": kind})
        for kind in QUERY_ERROR_KINDS
    }
    assert values == {"timeout": 0.0, "unavailable": 0.0, "query": 0.0, "response": 0.0}


def test_an_error_still_counts_on_its_kind_only() -> None:
    registry = CollectorRegistry()
    metrics = AdapterMetrics(registry)
    metrics.query_errors.labels("timeout").inc()
    name = "servescale_adapter_prometheus_query_errors_total"
    assert registry.get_sample_value(name, {"kind": "timeout"}) == 1.0
    assert registry.get_sample_value(name, {"kind": "query"}) == 0.0

"""SLO gauges: exported from the latest evaluation, no per-scrape queries, no counts as labels."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from prometheus_client import CollectorRegistry, generate_latest

from metrics_adapter.promql import Duration
from slo.evaluation import CachedStatus, SLOEvaluator
from slo.gauges import SLOGauges
from slo.sli import event_queries
from slo.spec import load_slos
from tests.unit.slo.test_slo_eval_fake import TablePrometheus

NOW = datetime(2026, 10, 11, tzinfo=UTC)
SPEC = """
slos:
  - {name: avail, service: llama, objective: 99.9, window: {rolling: 30d},
     sli: {kind: availability, namespace: ml, workload: llama}}
  - {name: quiet, service: llama, objective: 99, window: {calendar: month},
     sli: {kind: availability, namespace: ml, workload: quiet}}
"""


async def test_gauges_follow_the_scheduled_evaluation() -> None:
    slos = load_slos(SPEC)
    prometheus = TablePrometheus()
    queries = event_queries(slos[0])
    prometheus.set(queries.numerator(Duration.days(30)), 500.0)
    prometheus.set(queries.total(Duration.days(30)), 1_000_000.0)
    prometheus.set(queries.numerator(Duration.hours(1)), 10.0)
    prometheus.set(queries.total(Duration.hours(1)), 1000.0)
    registry = CollectorRegistry()
    gauges = SLOGauges(registry)
    cache = CachedStatus(SLOEvaluator(slos, prometheus), clock=lambda: NOW, listeners=[gauges.update])

    assert registry.get_sample_value("slo_sli_ratio", {"slo": "avail", "service": "llama"}) is None
    await cache.refresh()
    sent = len(prometheus.queries)
    text = generate_latest(registry).decode()
    assert len(prometheus.queries) == sent, "a scrape must not query Prometheus"

    def value(name: str, **labels: str) -> float | None:
        return registry.get_sample_value(name, {"service": "llama", **labels})

    assert value("slo_sli_ratio", slo="avail") == pytest.approx(0.9995)
    assert value("slo_error_budget_remaining_ratio", slo="avail") == pytest.approx(0.5)
    assert value("slo_burn_rate", slo="avail", window="1h") == pytest.approx(10)
    assert value("slo_burn_rate", slo="avail", window="30d") == pytest.approx(0.5)
    assert value("slo_burn_rate", slo="quiet", window="month") == 0
    assert value("slo_sli_ratio", slo="quiet") is None, "no traffic: no SLI sample, not 0 or NaN"
    assert value("slo_error_budget_remaining_ratio", slo="quiet") == 1
    assert registry.get_sample_value("slo_evaluation_timestamp_seconds") == NOW.timestamp()
    assert "1000000" not in text
    label_names = {
        name for family in registry.collect() for sample in family.samples for name in sample.labels
    }
    assert label_names == {"slo", "service", "window"}

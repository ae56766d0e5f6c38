"""SLO evaluation against a table-driven Prometheus: hand-computed SLIs, budgets, burn rates, tiers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from metrics_adapter.promql import Duration
from slo.budget import BudgetState
from slo.evaluation import BatchSettings, SLOEvaluator, SLOStatus
from slo.sli import event_queries, ratio_queries
from slo.spec import SLO, load_slos
from tests.unit.slo.test_slo_eval_fake import TablePrometheus

AT = datetime(2026, 10, 11, tzinfo=UTC)
DAY, HOUR, MINUTE = 86_400, 3600, 60


def slo_yaml(
    body: str, *, name: str = "avail", objective: str = "99.9", window: str = "{rolling: 30d}"
) -> SLO:
    head = f"slos:\n  - name: {name}\n    service: llama\n"
    text = f"{head}    objective: {objective}\n    window: {window}\n{body}"
    return load_slos(text)[0]


AVAILABILITY = """    sli: {kind: availability, namespace: ml, workload: llama}
    budgetPolicy:
      - {burnedFraction: 0.5, action: review rollouts}
      - {burnedFraction: 1, action: freeze rollouts}
"""
GROUPED = """    sli:
      kind: ratio
      good: sum by (model) (rate(good_total[{{.window}}]))
      total: sum by (model) (rate(all_total[{{.window}}]))
      perLabel: [model]
"""


def program(
    prometheus: TablePrometheus, slo: SLO, seconds: int, *, numerator: float | None, total: float | None
) -> None:
    queries = event_queries(slo)
    if numerator is not None:
        prometheus.set(queries.numerator(Duration(seconds)), numerator)
    if total is not None:
        prometheus.set(queries.total(Duration(seconds)), total)


async def evaluate(
    prometheus: TablePrometheus, *slos: SLO, at: datetime = AT, batch: int = 1
) -> list[SLOStatus]:
    evaluator = SLOEvaluator(slos, prometheus, settings=BatchSettings(batch_size=batch))
    return list((await evaluator.evaluate(at)).statuses)


async def test_zero_traffic_means_no_sli_and_no_burn() -> None:
    (status,) = await evaluate(TablePrometheus(), slo_yaml(AVAILABILITY))
    assert status.error is None
    assert status.overall is not None
    overall = status.overall
    assert (overall.sli, overall.good, overall.total) == (None, None, None)
    assert overall.budget.consumed == 0
    assert overall.budget.remaining == 1
    assert overall.current_burn_rate == 0
    assert all(burn.burn_rate == 0 and burn.error_ratio is None for burn in overall.burn_rates)
    assert overall.time_to_exhaustion is None
    assert overall.status.state is BudgetState.OK


async def test_all_bad_exhausts_the_budget() -> None:
    slo = slo_yaml(AVAILABILITY)
    prometheus = TablePrometheus()
    for seconds in (30 * DAY, HOUR, 5 * MINUTE):
        program(prometheus, slo, seconds, numerator=1000, total=1000)  # availability counts bad events
    (status,) = await evaluate(prometheus, slo)
    overall = status.overall
    assert overall is not None
    assert (overall.sli, overall.good, overall.total, overall.bad) == (0.0, 0.0, 1000.0, 1000.0)
    assert overall.budget.burn_rate == pytest.approx(1000)
    assert overall.budget.remaining == pytest.approx(-999)
    assert overall.time_to_exhaustion == 0
    assert overall.status.state is BudgetState.EXHAUSTED
    assert overall.status.step is not None
    assert overall.status.step.action == "freeze rollouts"
    page = next(tier for tier in overall.tiers if tier.tier.long_window == HOUR)
    assert page.firing


async def test_missing_bad_series_next_to_traffic_means_zero_bad() -> None:
    slo = slo_yaml(AVAILABILITY)
    prometheus = TablePrometheus()
    program(prometheus, slo, 30 * DAY, numerator=None, total=500)
    (status,) = await evaluate(prometheus, slo)
    assert status.overall is not None
    assert (status.overall.sli, status.overall.good, status.overall.budget.consumed) == (1.0, 500.0, 0.0)


async def test_time_to_exhaustion_uses_the_one_hour_burn() -> None:
    slo = slo_yaml(AVAILABILITY)
    prometheus = TablePrometheus()
    program(prometheus, slo, 30 * DAY, numerator=500, total=1_000_000)  # burn 0.5 over the window
    program(prometheus, slo, HOUR, numerator=10, total=1000)  # 1 % errors: burn 10
    program(prometheus, slo, 5 * MINUTE, numerator=20, total=100)  # burn 200
    (status,) = await evaluate(prometheus, slo)
    overall = status.overall
    assert overall is not None
    assert overall.budget.consumed == pytest.approx(0.5)
    assert overall.budget.budget_minutes == pytest.approx(30 * 24 * 60 * 0.001)
    assert overall.budget.remaining_minutes == pytest.approx(30 * 24 * 60 * 0.001 / 2)
    assert overall.current_burn_rate == pytest.approx(10)
    assert overall.time_to_exhaustion == pytest.approx(0.5 * 30 * DAY / 10)  # 1.5 days
    assert overall.status.state is BudgetState.WARNING
    page = next(tier for tier in overall.tiers if tier.tier.long_window == HOUR)
    assert (page.long.burn_rate, page.short.burn_rate) == (pytest.approx(10), pytest.approx(200))
    assert not page.firing, "the 1 h window burns at 10, below the tier's 14.4"


async def test_min_events_guard_keeps_a_tier_quiet() -> None:
    slo = load_slos(
        "slos:\n  - name: a\n    service: s\n    objective: 99.9\n    window: {rolling: 30d}\n"
        "    sli: {kind: availability, namespace: ml, workload: llama}\n    alerting: {minEvents: 100}\n"
    )[0]
    prometheus = TablePrometheus()
    program(prometheus, slo, HOUR, numerator=10, total=50)
    program(prometheus, slo, 5 * MINUTE, numerator=10, total=50)
    (status,) = await evaluate(prometheus, slo)
    assert status.overall is not None
    assert not any(tier.firing for tier in status.overall.tiers)
    assert max(burn.burn_rate for burn in status.overall.burn_rates) == pytest.approx(200)


async def test_uneven_traffic_sums_counts_per_group() -> None:
    slo = slo_yaml(GROUPED, name="grouped")
    prometheus = TablePrometheus()
    queries = event_queries(slo)
    window = Duration(30 * DAY)
    prometheus.set(queries.numerator(window), rows=[({"model": "busy"}, 990.0), ({"model": "quiet"}, 0.0)])
    prometheus.set(queries.total(window), rows=[({"model": "busy"}, 1000.0), ({"model": "quiet"}, 10.0)])
    (status,) = await evaluate(prometheus, slo)
    assert status.overall is not None
    assert status.overall.sli == pytest.approx(990 / 1010)  # not (0.99 + 0) / 2
    assert [(dict(g.group), g.sli) for g in status.groups] == [
        ({"model": "busy"}, pytest.approx(0.99)),
        ({"model": "quiet"}, 0.0),
    ]


async def test_calendar_month_uses_the_elapsed_part_at_at() -> None:
    slo = slo_yaml(AVAILABILITY, objective="99", window="{calendar: month}")
    prometheus = TablePrometheus()
    program(prometheus, slo, 10 * DAY, numerator=5, total=1000)  # 1 to 11 October: 10 days
    (status,) = await evaluate(prometheus, slo)
    overall = status.overall
    assert overall is not None
    assert status.span.start == datetime(2026, 10, 1, tzinfo=UTC)
    assert any("[10d]" in query.expr for query in prometheus.queries)
    assert overall.sli == pytest.approx(0.995)
    assert overall.budget.burn_rate == pytest.approx(0.5)
    assert overall.budget.consumed == pytest.approx(0.5 * 10 / 31)
    assert overall.budget.budget_minutes == pytest.approx(31 * 24 * 60 * 0.01)


async def test_short_rolling_window_has_no_tiers_but_is_evaluated() -> None:
    slo = slo_yaml(AVAILABILITY, objective="99", window="{rolling: 5m}")
    prometheus = TablePrometheus()
    program(prometheus, slo, 5 * MINUTE, numerator=30, total=100)
    (status,) = await evaluate(prometheus, slo)
    assert status.overall is not None
    assert status.overall.tiers == ()
    assert status.overall.burn_rates == ()
    assert status.overall.budget.burn_rate == pytest.approx(30)
    assert status.overall.current_burn_rate == pytest.approx(30)


LATENCY = """    sli:
      {kind: latency, namespace: ml, workload: llama, thresholdMs: 300, buckets: [100, 300, 1000]}
"""


@pytest.mark.parametrize(
    ("found", "matcher"),
    [
        pytest.param(["100", "300", "1000", "+Inf"], 'le="300"', id="plain"),
        pytest.param(["100.0", "300.0", "1000.0", "+Inf"], 'le="300.0"', id="normalised"),
    ],
)
async def test_latency_matches_the_real_bucket_text(found: list[str], matcher: str) -> None:
    slo = slo_yaml(LATENCY, name="lat", objective="99", window="{rolling: 5m}")
    prometheus = TablePrometheus()
    bounds_query = 'count by (le) (istio_request_duration_milliseconds_bucket{reporter="destination", ' + (
        'destination_workload_namespace="ml", destination_workload="llama"})'
    )
    prometheus.set(bounds_query, rows=[({"le": text}, 1.0) for text in found])
    (status,) = await evaluate(prometheus, slo)
    assert status.error is None
    assert any(matcher in query.expr for query in prometheus.queries)


async def test_latency_threshold_that_is_no_bucket_bound_is_an_error() -> None:
    slo = slo_yaml(LATENCY, name="lat", objective="99", window="{rolling: 5m}")
    prometheus = TablePrometheus()
    bounds = [({"le": text}, 1.0) for text in ("250", "500", "+Inf")]
    prometheus.set(
        'count by (le) (istio_request_duration_milliseconds_bucket{reporter="destination", '
        'destination_workload_namespace="ml", destination_workload="llama"})',
        rows=bounds,
    )
    (status,) = await evaluate(prometheus, slo)
    assert status.overall is None
    assert status.error is not None
    assert "not a bucket bound" in status.error
    assert "250, 500" in status.error


async def test_timeslices_count_slices_against_the_slice_budget() -> None:
    slo = slo_yaml(
        "    sli: {kind: threshold, metric: DCGM_FI_DEV_GPU_UTIL, comparison: lt, threshold: 95}\n"
        "    budgeting: {method: timeslices, sliceWindow: 1m, sliceTarget: 1}\n",
        name="gpu",
        objective="99",
        window="{rolling: 7d}",
    )
    prometheus = TablePrometheus()
    program(prometheus, slo, 7 * DAY, numerator=990, total=1000)  # 10 bad one-minute slices
    (status,) = await evaluate(prometheus, slo)
    overall = status.overall
    assert overall is not None
    assert status.unit is not None
    assert status.unit.value == "slices"
    assert overall.budget.consumed == pytest.approx(10 / (0.01 * 7 * 24 * 60))


async def test_raw_ratio_sli_has_a_ratio_but_no_counts() -> None:
    slo = load_slos(
        "version: prometheus/v1\nservice: llama\nslos:\n  - name: raw\n    objective: 99\n"
        "    sli: {raw: {error_ratio_query: 'sum(rate(err[{{.window}}])) / sum(rate(all[{{.window}}]))'}}\n"
        "    alerting: {page_alert: {disable: true}, ticket_alert: {disable: true}}\n"
    )[0]
    queries = ratio_queries(slo)
    assert queries is not None
    prometheus = TablePrometheus()
    prometheus.set(queries.error_ratio(Duration(30 * DAY)), 0.002)
    (status,) = await evaluate(prometheus, slo)
    assert status.overall is not None
    assert (status.overall.good, status.overall.total) == (None, None)
    assert status.overall.sli == pytest.approx(0.998)
    assert status.overall.budget.burn_rate == pytest.approx(0.2)


async def test_batched_evaluation_matches_one_query_per_probe_with_fewer_queries() -> None:
    slos = [
        slo_yaml(AVAILABILITY.replace("workload: llama", f"workload: w{i}"), name=f"s{i}") for i in range(6)
    ]
    prometheus = TablePrometheus()
    for i, slo in enumerate(slos):
        program(prometheus, slo, 30 * DAY, numerator=i, total=1000 + i)
    single = await evaluate(prometheus, *slos, batch=1)
    sent_single = len(prometheus.queries)
    batched = await evaluate(prometheus, *slos, batch=50)
    sent_batched = len(prometheus.queries) - sent_single
    assert [s.overall.sli if s.overall else None for s in single] == [
        s.overall.sli if s.overall else None for s in batched
    ]
    assert [s.overall.sli for s in single if s.overall] == [
        pytest.approx(1 - i / (1000 + i)) for i in range(6)
    ]
    assert sent_batched < sent_single / 10


async def test_a_broken_user_query_only_fails_its_own_slo() -> None:
    broken = slo_yaml(GROUPED.replace("good_total", "nosuchfn(good_total)"), name="broken")
    fine = slo_yaml(AVAILABILITY, name="fine")
    prometheus = TablePrometheus(broken="nosuchfn(")
    program(prometheus, fine, 30 * DAY, numerator=1, total=1000)
    statuses = await evaluate(prometheus, broken, fine, batch=50)
    assert statuses[0].error is not None
    assert "unknown function" in statuses[0].error
    assert statuses[1].overall is not None
    assert statuses[1].overall.sli == pytest.approx(0.999)


async def test_every_query_is_sent_at_at() -> None:
    prometheus = TablePrometheus()
    await evaluate(prometheus, slo_yaml(AVAILABILITY), slo_yaml(LATENCY, name="lat", objective="99"))
    assert prometheus.queries
    assert {query.at for query in prometheus.queries} == {AT.timestamp()}


async def test_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        await SLOEvaluator([], TablePrometheus()).evaluate(datetime(2026, 1, 1))


async def test_min_events_guard_applies_only_where_the_sli_counts_events_as_the_rules_do() -> None:
    """A ratio of rates has no event count: the rules fire without the guard, and so does the status."""
    slo = slo_yaml(
        "    sli:\n      kind: ratio\n      bad: sum(rate(bad_total[{{.window}}]))\n"
        "      total: sum(rate(all_total[{{.window}}]))\n    alerting: {minEvents: 100}\n",
        name="rates",
    )
    prometheus = TablePrometheus()
    program(prometheus, slo, HOUR, numerator=10, total=50)  # 50 req/s, 20 % errors: burn 200
    program(prometheus, slo, 5 * MINUTE, numerator=10, total=50)
    (status,) = await evaluate(prometheus, slo)
    assert status.overall is not None
    page = next(tier for tier in status.overall.tiers if tier.tier.long_window == HOUR)
    assert page.long.events == 50, "the total is a rate, below the guard of 100 if it were read as events"
    assert page.firing

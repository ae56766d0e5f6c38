"""SLO reports: JSON fields and schema, Markdown, self-contained HTML with charts, months, timelines."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime

import pytest

from metrics_adapter.promql import Duration, Labels, Matrix, RangeSeries
from slo.report import (
    ReportDocument,
    ReportFormat,
    build_report,
    choose_step,
    evaluate_for_report,
    produce_report,
    report_json_schema,
)
from slo.report.timeline import fetch_timeline
from slo.sli import event_queries
from slo.spec import load_slos
from tests.unit.slo.test_slo_eval_fake import TablePrometheus

AT = datetime(2026, 10, 11, tzinfo=UTC)
DAY = 86_400
SPEC = """
slos:
  - name: availability
    service: llama
    description: "Requests <b>without</b> 5xx"
    objective: 99.9
    window: {rolling: 30d}
    sli: {kind: availability, namespace: ml, workload: llama}
    budgetPolicy: [{burnedFraction: 0.5, action: review rollouts}]
  - name: broken
    service: llama
    objective: 99
    window: {rolling: 30d}
    sli: {kind: ratio, good: 'nosuchfn(x)', total: 'sum(y)'}
"""
SLO_GENERATOR_FIELDS = (
    "service_name",
    "feature_name",
    "slo_name",
    "slo_target",
    "sli_measurement",
    "events_count",
    "bad_events_count",
    "good_events_count",
    "gap",
    "error_budget_target",
    "error_budget_measurement",
    "error_budget_burn_rate",
    "error_budget_minutes",
    "error_budget_remaining_minutes",
    "error_minutes",
    "alert",
    "timestamp",
    "window",
)


def prometheus_with_data() -> TablePrometheus:
    prometheus = TablePrometheus(broken="nosuchfn(")
    queries = event_queries(load_slos(SPEC)[0])
    prometheus.set(queries.numerator(Duration.days(30)), 600.0)
    prometheus.set(queries.total(Duration.days(30)), 1_000_000.0)
    return prometheus


async def json_report() -> dict[str, object]:
    text = await produce_report(load_slos(SPEC), prometheus_with_data(), at=AT, fmt=ReportFormat.JSON)
    document: dict[str, object] = json.loads(text)
    return document


async def test_json_report_has_slo_generator_fields_at_the_requested_instant() -> None:
    document = await json_report()
    assert document["schema_version"] == "servescale.slo-report/v1"
    reports = document["reports"]
    assert isinstance(reports, list)
    availability = reports[0]
    assert set(SLO_GENERATOR_FIELDS) <= set(availability)
    assert availability["timestamp"] == AT.timestamp()
    assert availability["timestamp_human"] == AT.isoformat()
    expected = {
        "slo_target": 0.999,
        "sli_measurement": 0.9994,
        "events_count": 1_000_000,
        "bad_events_count": 600,
        "good_events_count": 999_400,
        "gap": 0.9994 - 0.999,
        "error_budget_target": 0.001,
        "error_budget_measurement": 0.0006,
        "error_budget_burn_rate": 0.6,
        "error_budget_minutes": 43.2,  # 30 days x 0.1 %
        "error_minutes": 0.6 * 43.2,
        "error_budget_remaining_minutes": 0.4 * 43.2,
        "window": 30 * DAY,
    }
    assert {key: availability[key] for key in expected} == {
        key: pytest.approx(v) for key, v in expected.items()
    }
    assert (availability["policy_state"], availability["consequence_message"]) == (
        "warning",
        "review rollouts",
    )
    assert availability["alert"] is False
    assert availability["valid"] is True


async def test_invalid_slo_is_reported_with_its_error() -> None:
    broken = (await json_report())["reports"][1]  # type: ignore[index]
    assert broken["valid"] is False
    assert broken["sli_measurement"] is None
    assert "unknown function" in broken["errors"][0]


async def test_json_report_matches_its_schema() -> None:
    document = await json_report()
    schema = report_json_schema()
    slo_schema = schema["$defs"]["SLOReport"]
    assert set(SLO_GENERATOR_FIELDS) <= set(slo_schema["properties"])
    ReportDocument.model_validate(document)


async def test_markdown_report_tables_every_slo() -> None:
    text = await produce_report(load_slos(SPEC), prometheus_with_data(), at=AT, fmt=ReportFormat.MD)
    assert text.startswith("# SLO report")
    assert "| llama-availability | 99.9% | 99.940% | 40.0% |" in text
    assert "| llama-broken | 99% | invalid |" in text
    assert "## llama-availability" in text


async def test_html_report_is_self_contained_with_png_charts() -> None:
    prometheus = prometheus_with_data()
    queries = event_queries(load_slos(SPEC)[0])
    step = choose_step(30 * DAY)
    times = tuple(AT.timestamp() - 30 * DAY + step * (i + 1) for i in range(240))
    prometheus.on_query_range(
        queries.total(Duration(step)), Matrix((RangeSeries(Labels(), times, (1000.0,) * 240),))
    )
    prometheus.on_query_range(
        queries.numerator(Duration(step)), Matrix((RangeSeries(Labels(), times, (2.5,) * 240),))
    )
    text = await produce_report(load_slos(SPEC), prometheus, at=AT, fmt=ReportFormat.HTML)
    images = re.findall(r'<img alt="([^"]+)" src="data:image/png;base64,([A-Za-z0-9+/=]+)">', text)
    assert [alt for alt, _ in images] == ["error budget burn-down", "SLI timeline"]
    assert all(base64.b64decode(data).startswith(b"\x89PNG\r\n\x1a\n") for _, data in images)
    assert "Requests &lt;b&gt;without&lt;/b&gt; 5xx" in text
    assert "<script" not in text
    assert "http://" not in text, "no external resources"
    assert "https://" not in text, "no external resources"


async def test_month_report_covers_the_calendar_month_at_its_end() -> None:
    slos = load_slos(SPEC)[:1]
    prometheus = TablePrometheus()
    now = datetime(2026, 12, 5, tzinfo=UTC)
    evaluation = await evaluate_for_report(slos, prometheus, at=now, month=(2026, 10))
    assert evaluation.at == datetime(2026, 11, 1, tzinfo=UTC)
    (status,) = evaluation.statuses
    assert (status.span.start, status.span.end) == (
        datetime(2026, 10, 1, tzinfo=UTC),
        datetime(2026, 11, 1, tzinfo=UTC),
    )
    assert any("[31d]" in query.expr for query in prometheus.queries)
    report = build_report(evaluation, month="2026-10").reports[0]
    assert (report.window_kind, report.window_text, report.window) == ("month", "2026-10", 31 * DAY)


async def test_running_month_is_evaluated_up_to_now() -> None:
    now = datetime(2026, 10, 11, tzinfo=UTC)
    evaluation = await evaluate_for_report(load_slos(SPEC)[:1], TablePrometheus(), at=now, month=(2026, 10))
    assert evaluation.at == now
    assert evaluation.statuses[0].span.elapsed_fraction == pytest.approx(10 / 31)


async def test_burn_down_ends_at_the_evaluated_consumption() -> None:
    slo = load_slos(SPEC)[0]
    prometheus = prometheus_with_data()
    evaluation = await evaluate_for_report([slo], prometheus, at=AT)
    (status,) = evaluation.statuses
    queries = event_queries(slo)
    step = choose_step(30 * DAY)
    times = tuple(AT.timestamp() - 30 * DAY + step * (i + 1) for i in range(240))
    bad = tuple(5.0 if i < 120 else 0.0 for i in range(240))  # 600 bad, all in the first half
    prometheus.on_query_range(
        queries.total(Duration(step)), Matrix((RangeSeries(Labels(), times, (1e6 / 240,) * 240),))
    )
    prometheus.on_query_range(queries.numerator(Duration(step)), Matrix((RangeSeries(Labels(), times, bad),)))
    timeline = await fetch_timeline(prometheus, status)
    assert timeline is not None
    assert timeline.step == step
    assert timeline.remaining[-1] == pytest.approx(status.overall.budget.remaining if status.overall else 0)
    assert timeline.remaining[119] == timeline.remaining[-1], "nothing spent in the second half"
    assert timeline.sli[0] == pytest.approx(1 - 5 / (1e6 / 240))


@pytest.mark.parametrize(
    ("seconds", "step"),
    [
        pytest.param(300, 30, id="5m-at-least-two-scrapes"),
        pytest.param(3600, 30, id="1h"),
        pytest.param(DAY, 900, id="1d"),
        pytest.param(30 * DAY, 10800, id="30d"),
        pytest.param(90 * DAY, 43200, id="90d"),
    ],
)
def test_choose_step_keeps_charts_small(seconds: int, step: int) -> None:
    assert choose_step(seconds) == step
    assert seconds / step <= 240

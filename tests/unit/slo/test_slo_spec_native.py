"""Our SLO format: the shipped example loads, and every error names the SLO and the field."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from slo.budget import BudgetPolicyStep
from slo.spec import (
    AvailabilitySLI,
    CodePolicy,
    HistogramKind,
    LatencySLI,
    Occurrences,
    RatioSLI,
    Reporter,
    SpecError,
    SpecFormat,
    ThresholdSLI,
    Timeslices,
    load_slo_file,
    load_slos,
)
from slo.window import CalendarUnit, CalendarWindow, RollingWindow

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "slos"


def test_example_loads() -> None:
    availability, latency, gpu = load_slo_file(EXAMPLES / "llama.yaml")

    assert availability.slo_id == "llama-llama-availability"
    assert availability.source == SpecFormat.SERVESCALE
    assert availability.objective.ratio == Decimal("0.995")
    assert availability.window == RollingWindow(30 * 86_400)
    assert availability.label_map == {"team": "ml-platform", "tier": "1"}
    assert isinstance(availability.sli, AvailabilitySLI)
    assert availability.sli.target.namespace == "ml"
    assert availability.sli.target.workload == "llama-predictor"
    assert availability.sli.target.reporter == Reporter.DESTINATION
    assert availability.sli.bad_codes == "5.."
    assert availability.sli.code_policy == (("429", CodePolicy.BAD),)
    assert availability.alerting.min_events == 100
    assert availability.alerting.page.runbook == "https://runbooks.example.com/llama/availability"
    assert availability.alerting.ticket.labels == (("queue", "ml-platform"),)
    assert availability.budget_policy == (
        BudgetPolicyStep(Decimal("0.5"), "Review the reliability backlog before new rollouts."),
        BudgetPolicyStep(Decimal("1"), "Freeze model rollouts except reliability fixes."),
    )

    assert isinstance(latency.sli, LatencySLI)
    assert latency.sli.threshold_ms == Decimal(1000)
    assert latency.sli.histogram == HistogramKind.CLASSIC
    assert latency.sli.metric == "istio_request_duration_milliseconds"
    assert latency.window == CalendarWindow(CalendarUnit.MONTH, "Europe/Berlin")
    assert latency.budgeting == Occurrences()

    assert isinstance(gpu.sli, ThresholdSLI)
    assert gpu.sli.matchers == (("namespace", "ml"),)
    assert gpu.budgeting == Timeslices(60, Decimal(1))
    assert not gpu.alerting.enabled


def _slo(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "llama-latency",
        "service": "llama",
        "sli": {"kind": "latency", "namespace": "ml", "workload": "llama-predictor", "thresholdMs": 1000},
        "objective": 99,
        "window": {"rolling": "30d"},
    }
    return {**base, **changes}


def _errors(slos: list[Any]) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load_slos(yaml.safe_dump({"slos": slos}))
    return [str(issue) for issue in caught.value.issues]


LATENCY = {"kind": "latency", "namespace": "ml", "workload": "llama-predictor"}
RATIO = {"kind": "ratio", "good": "sum(rate(ok[{{.window}}]))", "total": "sum(rate(all[{{.window}}]))"}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            {"sli": {**LATENCY, "thresholdMs": 0}}, "sli.thresholdMs: must be > 0", id="threshold-zero"
        ),
        pytest.param(
            {"sli": {**LATENCY, "thresholdMs": 300}},
            "sli.thresholdMs: 300 is not a bucket boundary of the classic histogram",
            id="threshold-not-a-bucket",
        ),
        pytest.param({"objective": 100}, "objective: must be < 100", id="objective-100"),
        pytest.param({"objective": 0}, "objective: must be > 0", id="objective-0"),
        pytest.param(
            {"window": {"rolling": "30x"}}, "window.rolling: invalid duration '30x'", id="bad-duration"
        ),
        pytest.param(
            {"window": {"calendar": "month", "timeZone": "Mars/Olympus"}},
            "window.timeZone: unknown time zone 'Mars/Olympus'",
            id="bad-zone",
        ),
        pytest.param(
            {"window": {"rolling": "30d", "calendar": "month"}},
            "window: give exactly one of rolling or calendar",
            id="two-windows",
        ),
        pytest.param(
            {"window": {"calendar": "week"}},
            "window.calendar: must be one of 'month' or 'quarter'",
            id="week",
        ),
        pytest.param(
            {"sli": {"kind": "freshness"}},
            "sli.kind: must be one of availability, latency, threshold, ratio",
            id="kind",
        ),
        pytest.param(
            {"sli": {**LATENCY, "thresholdMs": 1000, "service": "llama"}},
            "sli: give exactly one of workload or service",
            id="workload-and-service",
        ),
        pytest.param(
            {"sli": {**LATENCY, "thresholdMs": 1000, "reporter": "gateway"}},
            "sli.reporter: must be one of 'source' or 'destination'",
            id="reporter",
        ),
        pytest.param(
            {"sli": {**RATIO, "bad": "sum(rate(err[{{.window}}]))"}},
            "sli: give exactly one of good or bad",
            id="good-bad",
        ),
        pytest.param(
            {"sli": {**RATIO, "total": "sum(all)"}},
            "sli: use {{.window}} in both queries or in neither",
            id="placeholder",
        ),
        pytest.param(
            {"sli": {"kind": "threshold", "metric": "gpu util", "comparison": "lt", "threshold": 90}},
            "sli: 'gpu util' is not a metric name",
            id="metric-name",
        ),
        pytest.param({"objectve": 99}, "objectve: unknown field", id="typo"),
        pytest.param(
            {"labels": {"team-name": "ml"}},
            "labels: 'team-name' is not a valid Prometheus label name",
            id="label",
        ),
        pytest.param(
            {"budgetPolicy": [{"burnedFraction": 0, "action": "freeze"}]},
            "budgetPolicy[0].burnedFraction: must be > 0",
            id="policy-zero",
        ),
        pytest.param(
            {
                "budgetPolicy": [
                    {"burnedFraction": 0.5, "action": "a"},
                    {"burnedFraction": 0.5, "action": "b"},
                ]
            },
            "budgetPolicy: burnedFraction values must be distinct",
            id="policy-duplicate",
        ),
        pytest.param(
            {"budgeting": {"method": "timeslices", "sliceWindow": "1m"}},
            "budgeting: timeslices needs sliceWindow and sliceTarget",
            id="timeslices-target",
        ),
        pytest.param(
            {"budgeting": {"method": "timeslices", "sliceWindow": "1m", "sliceTarget": 1.5}},
            "budgeting.sliceTarget: must be <= 1",
            id="slice-target",
        ),
        pytest.param({"alerting": {"minEvents": 0}}, "alerting.minEvents: must be >= 1", id="min-events"),
        pytest.param(
            {"alerting": {"windows": [{"severity": "page", "longWindow": "1h"}]}},
            "alerting.windows[0]: give exactly one of burnRate or budgetConsumedPercent",
            id="tier-no-rate",
        ),
        pytest.param(
            {"alerting": {"windows": [{"severity": "warn", "longWindow": "1h", "burnRate": 2}]}},
            "alerting.windows[0].severity:",
            id="tier-severity",
        ),
        pytest.param(
            {"alerting": {"windows": [{"severity": "page", "longWindow": "1 hour", "burnRate": 2}]}},
            "alerting.windows[0].longWindow:",
            id="tier-window-syntax",
        ),
        pytest.param(
            {
                "alerting": {
                    "windows": [{"severity": "page", "longWindow": "1h", "shortWindow": "2h", "burnRate": 2}]
                }
            },
            "alerting.windows[0]: short window (7200s) must be > 0 and shorter than the long window",
            id="tier-short-longer",
        ),
        pytest.param(
            {"alerting": {"windows": [{"severity": "ticket", "longWindow": "31d", "burnRate": 1}]}},
            "alerting.windows[0]: long window 31d is longer than the SLO period 30d",
            id="tier-beyond-period",
        ),
        pytest.param(
            {
                "alerting": {
                    "windows": [
                        {"severity": "page", "longWindow": "1h", "burnRate": 14.4},
                        {"severity": "page", "longWindow": "1h", "budgetConsumedPercent": 5},
                    ]
                }
            },
            "alerting.windows[1]: duplicate tier page-1h-5m",
            id="tier-duplicate",
        ),
        pytest.param({"name": "llama latency"}, "name: name 'llama latency' must be letters", id="name"),
    ],
)
def test_errors_name_slo_and_field(changes: dict[str, Any], expected: str) -> None:
    name = changes.get("name", "llama-latency")
    errors = _errors([_slo(name="first"), _slo(name="second"), _slo(**changes)])
    assert any(error.startswith(f'slos[2] "{name}": {expected}') for error in errors), errors


def test_missing_field_is_required() -> None:
    slo = _slo()
    del slo["service"]
    assert _errors([slo]) == ['slos[0] "llama-latency": service: required']


def test_every_problem_is_reported_at_once() -> None:
    errors = _errors(
        [
            _slo(objective=101),
            "not a mapping",
            _slo(name="other", sli={**LATENCY, "thresholdMs": -1}),
            _slo(name="other"),
        ]
    )
    assert errors == [
        'slos[0] "llama-latency": objective: must be < 100',
        "slos[1]: each SLO must be a mapping",
        'slos[2] "other": sli.thresholdMs: must be > 0',
    ]


def test_duplicates_are_reported() -> None:
    first = 'slos[0] "llama-latency"'
    assert _errors([_slo(), _slo()]) == [
        f"slos[1] \"llama-latency\": name: duplicate SLO 'llama-llama-latency' (first at {first})"
    ]


def test_custom_buckets_and_native_histograms() -> None:
    custom = _slo(sli={**LATENCY, "thresholdMs": 300, "buckets": [100, 300, 1000]})
    native = _slo(name="native", sli={**LATENCY, "thresholdMs": 300, "histogram": "native"})
    first, second = load_slos(yaml.safe_dump({"slos": [custom, native]}))
    assert isinstance(first.sli, LatencySLI)
    assert first.sli.threshold_ms == Decimal(300)
    assert isinstance(second.sli, LatencySLI)
    assert second.sli.histogram == HistogramKind.NATIVE


def test_ratio_sli_with_per_label() -> None:
    (slo,) = load_slos(yaml.safe_dump({"slos": [_slo(sli={**RATIO, "perLabel": ["model"]})]}))
    assert slo.sli == RatioSLI(
        "sum(rate(all[{{.window}}]))", good="sum(rate(ok[{{.window}}]))", per_label=("model",)
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", "no SLO found", id="empty"),
        pytest.param("slos: [", "invalid YAML", id="bad-yaml"),
        pytest.param("slos: []", "slos: must have at least 1 item(s)", id="no-slos"),
        pytest.param("a: 1\n---\nb: 2\n", "single YAML document", id="two-documents"),
    ],
)
def test_file_level_errors(text: str, expected: str) -> None:
    with pytest.raises(SpecError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        load_slos(text)


def test_explicit_burn_rate_windows_replace_the_workbook_table() -> None:
    windows = [
        {"severity": "page", "longWindow": "30s", "shortWindow": "5s", "burnRate": 10},
        {"severity": "page", "longWindow": "6h", "budgetConsumedPercent": 5, "for": "2m"},
        {"severity": "ticket", "longWindow": "1d", "burnRate": "2.5"},
    ]
    [slo] = load_slos(yaml.safe_dump({"slos": [_slo(alerting={"windows": windows})]}))
    fast, six_hours, day = slo.burn_rate_windows()
    assert (fast.long_window, fast.short_window, fast.factor, fast.alert_after) == (30, 5, Decimal(10), 0)
    assert fast.budget_consumed == Decimal("0.0001")  # 10 * 30 s / 30 d = 1/8640, rounded to four places
    # 5 % of a 30-day budget in 6 h is the Workbook's factor 6; the short window defaults to L/12.
    assert (six_hours.factor, six_hours.short_window, six_hours.alert_after) == (Decimal(6), 1800, 120)
    assert day.factor == Decimal("2.5")
    assert day.budget_consumed == Decimal("0.0833")  # 2.5 * 1d / 30d, rounded to four places
    assert str(day.severity) == "ticket"


def test_alert_tiers_are_the_workbook_table_or_none_for_a_window_too_short_for_it() -> None:
    [month] = load_slos(yaml.safe_dump({"slos": [_slo()]}))
    assert month.alert_tiers() == month.burn_rate_windows()
    assert len(month.alert_tiers()) == 4  # the Workbook: 1h/5m, 6h/30m, 1d/2h, 3d/6h
    [short] = load_slos(yaml.safe_dump({"slos": [_slo(window={"rolling": "5m"})]}))
    with pytest.raises(ValueError, match="longer than the SLO period"):
        short.burn_rate_windows()
    assert short.alert_tiers() == ()

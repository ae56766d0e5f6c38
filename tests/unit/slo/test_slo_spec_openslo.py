"""OpenSLO v1 import: objects, references, windows, budgeting methods and alert policies."""

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from slo.burn_rate import Severity
from slo.spec import (
    Comparison,
    Occurrences,
    RatioSLI,
    RawRatioSLI,
    RawRatioType,
    SpecError,
    SpecFormat,
    ThresholdSLI,
    Timeslices,
    load_slo_file,
    load_slos,
)
from slo.window import CalendarUnit, CalendarWindow, RollingWindow

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "slos"
GOOD = 'sum(istio_requests_total{destination_workload="llama-predictor",response_code!~"5.."})'
TOTAL = 'sum(istio_requests_total{destination_workload="llama-predictor"})'


def test_example_loads() -> None:
    availability, uptime = load_slo_file(EXAMPLES / "openslo.yaml")

    assert availability.source == SpecFormat.OPENSLO
    assert availability.slo_id == "llama-llama-availability"
    assert isinstance(availability.sli, RatioSLI)
    assert availability.sli.good is not None
    assert 'response_code!~"5.."' in availability.sli.good
    assert availability.sli.counter is True
    assert availability.objective.ratio == Decimal("0.995")
    assert availability.window == RollingWindow(30 * 86_400)
    assert availability.label_map == {"team": "ml-platform"}
    page, ticket = availability.burn_rate_windows()
    assert (page.severity, page.tier_id, page.factor, page.budget_consumed, page.alert_after) == (
        Severity.PAGE,
        "page-1h-5m",
        Decimal("14.4"),
        Decimal("0.02"),
        120,
    )
    assert (ticket.severity, ticket.tier_id, ticket.factor, ticket.budget_consumed) == (
        Severity.TICKET,
        "ticket-3d-6h",
        Decimal("1"),
        Decimal("0.1"),
    )
    assert availability.alerting.alert_when_no_data is True
    assert availability.alerting.notification_targets == ("ml-oncall",)

    assert isinstance(uptime.sli, RatioSLI)
    assert uptime.sli.bad is not None
    assert uptime.window == CalendarWindow(CalendarUnit.MONTH, "Europe/Berlin", datetime(2024, 1, 1))
    assert uptime.budgeting == Timeslices(60, Decimal("0.99"))
    assert uptime.alerting.windows is None
    assert [w.tier_id for w in uptime.burn_rate_windows()] == [
        "page-1h-5m",
        "page-6h-30m",
        "ticket-1d-2h",
        "ticket-3d-6h",
    ]


def _metric(query: str, source: str = "Prometheus") -> dict[str, Any]:
    return {"metricSource": {"type": source, "spec": {"query": query}}}


def _slo_doc(**spec: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "service": "llama",
        "indicator": {
            "metadata": {"name": "sli"},
            "spec": {"ratioMetric": {"good": _metric(GOOD), "total": _metric(TOTAL)}},
        },
        "budgetingMethod": "Occurrences",
        "objectives": [{"target": 0.995}],
    }
    body.update(spec)
    return {"apiVersion": "openslo/v1", "kind": "SLO", "metadata": {"name": "llama"}, "spec": body}


def _load(*documents: dict[str, Any]) -> tuple[Any, ...]:
    return load_slos(yaml.safe_dump_all(documents))


def test_threshold_metric() -> None:
    indicator = {"metadata": {"name": "p"}, "spec": {"thresholdMetric": _metric("max(gpu_util)")}}
    (slo,) = _load(_slo_doc(indicator=indicator, objectives=[{"op": "lt", "value": 90, "targetPercent": 99}]))
    assert slo.sli == ThresholdSLI(Comparison.LT, Decimal(90), query="max(gpu_util)")
    assert slo.objective.ratio == Decimal("0.99")


def test_raw_success_ratio() -> None:
    ratio = {"rawType": "success", "raw": _metric("avg(success_ratio)")}
    (slo,) = _load(_slo_doc(indicator={"metadata": {"name": "r"}, "spec": {"ratioMetric": ratio}}))
    assert slo.sli == RawRatioSLI("avg(success_ratio)", RawRatioType.SUCCESS)


def test_several_objectives_become_several_slos() -> None:
    first, second = _load(_slo_doc(objectives=[{"target": 0.99}, {"targetPercent": 99.9}]))
    assert (first.name, second.name) == ("llama-0", "llama-1")
    assert (first.objective.ratio, second.objective.ratio) == (Decimal("0.99"), Decimal("0.999"))


def test_without_time_window_the_default_period_applies() -> None:
    (slo,) = load_slos(yaml.safe_dump(_slo_doc()), default_period=RollingWindow(28 * 86_400))
    assert slo.window == RollingWindow(28 * 86_400)
    assert slo.budgeting == Occurrences()


@pytest.mark.parametrize(
    ("duration", "seconds"),
    [pytest.param("4w", 28 * 86_400, id="4w"), pytest.param("90d", 90 * 86_400, id="90d")],
)
def test_rolling_time_window(duration: str, seconds: int) -> None:
    (slo,) = _load(_slo_doc(timeWindow=[{"duration": duration, "isRolling": True}]))
    assert slo.window == RollingWindow(seconds)


def test_timeslice_window_as_minutes() -> None:
    objectives = [{"target": 0.99, "timeSliceTarget": 0.95, "timeSliceWindow": 5}]
    (slo,) = _load(_slo_doc(budgetingMethod="Timeslices", objectives=objectives))
    assert slo.budgeting == Timeslices(300, Decimal("0.95"))


def _policy(severity: str = "page", op: str = "gt", lookback: str = "1h") -> dict[str, Any]:
    condition = {
        "severity": severity,
        "condition": {"kind": "burnrate", "op": op, "threshold": 14.4, "lookbackWindow": lookback},
    }
    return {
        "kind": "AlertPolicy",
        "metadata": {"name": "p"},
        "spec": {"conditions": [{"metadata": {"name": "c"}, "spec": condition}]},
    }


@pytest.mark.parametrize(
    ("spec", "field", "message"),
    [
        pytest.param(
            {"indicator": None, "indicatorRef": "nope"},
            "spec.indicatorRef",
            'no SLI named "nope"',
            id="missing-ref",
        ),
        pytest.param(
            {"indicator": None}, "spec", "give exactly one of indicator or indicatorRef", id="no-indicator"
        ),
        pytest.param(
            {"budgetingMethod": "RatioTimeslices"},
            "spec.budgetingMethod",
            "RatioTimeslices is not supported",
            id="ratio-ts",
        ),
        pytest.param(
            {"budgetingMethod": "Timeslices"},
            "spec.objectives[0]",
            "Timeslices needs timeSliceTarget",
            id="ts-fields",
        ),
        pytest.param({"budgetingMethod": "Monthly"}, "spec.budgetingMethod", "must be one of", id="method"),
        pytest.param(
            {"objectives": [{"target": 0.99, "targetPercent": 99}]},
            "spec.objectives[0]",
            "exactly one of target",
            id="two-targets",
        ),
        pytest.param(
            {"objectives": [{"target": 1.0}]},
            "spec.objectives[0].target",
            "must be > 0 and < 1",
            id="target-1",
        ),
        pytest.param(
            {"objectives": [{"targetPercent": 100}]},
            "spec.objectives[0].targetPercent",
            "< 100",
            id="pct-100",
        ),
        pytest.param(
            {"objectives": [{"target": 0.99, "indicatorRef": "x"}]},
            "spec.objectives[0]",
            "composite",
            id="composite",
        ),
        pytest.param(
            {"timeWindow": [{"duration": "1M", "isRolling": True}]},
            "spec.timeWindow[0].duration",
            "no fixed length",
            id="rolling-month",
        ),
        pytest.param(
            {"timeWindow": [{"duration": "1Q", "isRolling": False}]},
            "spec.timeWindow[0].calendar",
            "required",
            id="no-calendar",
        ),
        pytest.param(
            {
                "timeWindow": [
                    {"duration": "1M", "calendar": {"startTime": "2024-01-31 00:00:00", "timeZone": "UTC"}}
                ]
            },
            "spec.timeWindow[0].calendar.startTime",
            "1..28",
            id="anchor-31",
        ),
        pytest.param(
            {
                "timeWindow": [
                    {
                        "duration": "1M",
                        "calendar": {"startTime": "2024-01-01 00:00:00", "timeZone": "Nowhere/City"},
                    }
                ]
            },
            "spec.timeWindow[0].calendar.timeZone",
            "unknown time zone",
            id="zone",
        ),
        pytest.param(
            {"alertPolicies": [_policy(severity="sev1")]},
            "spec.alertPolicies[0].spec.conditions[0].spec.severity",
            "page or ticket",
            id="severity",
        ),
        pytest.param(
            {"alertPolicies": [_policy(op="lte")]},
            "spec.alertPolicies[0].spec.conditions[0].spec.condition.op",
            "gt or gte",
            id="op",
        ),
        pytest.param(
            {"alertPolicies": [_policy(lookback="60d")]},
            "spec.alertPolicies[0].spec.conditions[0].spec.condition",
            "longer than the SLO period",
            id="lookback",
        ),
        pytest.param(
            {"alertPolicies": [{"alertPolicyRef": "nope"}]},
            "spec.alertPolicies[0].alertPolicyRef",
            'no AlertPolicy named "nope"',
            id="policy-ref",
        ),
        pytest.param({"services": "typo"}, "spec.services", "unknown field", id="unknown-field"),
    ],
)
def test_errors_name_slo_and_field(spec: dict[str, Any], field: str, message: str) -> None:
    document = _slo_doc(**spec)
    document["spec"] = {key: value for key, value in document["spec"].items() if value is not None}
    with pytest.raises(SpecError) as caught:
        _load(document)
    issues = [(issue.where, issue.field, issue.message) for issue in caught.value.issues]
    assert any(where == 'SLO "llama"' and got == field and message in text for where, got, text in issues), (
        issues
    )


def test_non_prometheus_source_is_rejected() -> None:
    indicator = {
        "metadata": {"name": "d"},
        "spec": {"ratioMetric": {"good": _metric("x", "Datadog"), "total": _metric(TOTAL)}},
    }
    with pytest.raises(SpecError, match=r"ratioMetric\.good\.metricSource\.type: only Prometheus"):
        _load(_slo_doc(indicator=indicator))


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        pytest.param(
            {**_slo_doc(), "apiVersion": "openslo/v1alpha"},
            'document[0] SLO "llama": apiVersion: only openslo/v1',
            id="v1alpha",
        ),
        pytest.param(
            {**_slo_doc(), "kind": "Dashboard"},
            'document[0] Dashboard "llama": kind: must be one of',
            id="kind",
        ),
        pytest.param({**_slo_doc(), "metadata": {}}, "document[0]: metadata.name: required", id="no-name"),
    ],
)
def test_document_errors(document: dict[str, Any], expected: str) -> None:
    with pytest.raises(SpecError) as caught:
        _load(document)
    assert any(str(issue).startswith(expected) for issue in caught.value.issues), caught.value.issues

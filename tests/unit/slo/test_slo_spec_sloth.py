"""Sloth prometheus/v1 and PrometheusServiceLevel import."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from slo.objective import format_decimal
from slo.spec import RatioSLI, RawRatioSLI, RawRatioType, SpecError, SpecFormat, load_slo_file, load_slos
from slo.window import RollingWindow

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "slos"
ERRORS = 'sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))'
TOTAL = "sum(rate(http_requests_total[{{.window}}]))"


def test_example_loads() -> None:
    availability, latency = load_slo_file(EXAMPLES / "sloth.yaml")

    assert availability.source == SpecFormat.SLOTH
    assert availability.slo_id == "llama-requests-availability"
    assert availability.objective.ratio == Decimal("0.999")
    assert availability.window == RollingWindow(30 * 86_400)
    assert availability.label_map == {"team": "ml-platform", "category": "availability"}
    assert isinstance(availability.sli, RatioSLI)
    assert availability.sli.bad is not None
    assert "{{.window}}" in availability.sli.bad
    assert availability.alerting.name == "LlamaHighErrorRate"
    assert availability.alerting.page.labels == (("severity", "critical"),)
    assert availability.alerting.ticket.labels == (("severity", "warning"),)

    assert isinstance(latency.sli, RawRatioSLI)
    assert latency.sli.ratio_type == RawRatioType.FAILURE
    assert not latency.alerting.enabled


def _spec(**slo: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "availability",
        "objective": 99.9,
        "sli": {"events": {"error_query": ERRORS, "total_query": TOTAL}},
        "alerting": {"name": "Errors"},
    }
    base.update(slo)
    return {"version": "prometheus/v1", "service": "api", "slos": [base]}


def test_period_comes_from_the_caller() -> None:
    (slo,) = load_slos(yaml.safe_dump(_spec()), default_period=RollingWindow(28 * 86_400))
    assert [format_decimal(w.factor) for w in slo.burn_rate_windows()] == ["13.44", "5.6", "2.8", "0.9333"]


def test_kubernetes_resource_in_camel_case() -> None:
    document = {
        "apiVersion": "sloth.slok.dev/v1",
        "kind": "PrometheusServiceLevel",
        "metadata": {"name": "api"},
        "spec": {
            "service": "api",
            "slos": [
                {
                    "name": "availability",
                    "objective": 99.9,
                    "sli": {"events": {"errorQuery": ERRORS, "totalQuery": TOTAL}},
                    "alerting": {"name": "Errors", "pageAlert": {"disable": True}},
                }
            ],
        },
    }
    (from_crd,) = load_slos(yaml.safe_dump(document))
    (from_file,) = load_slos(
        yaml.safe_dump(_spec(alerting={"name": "Errors", "page_alert": {"disable": True}}))
    )
    assert from_crd == from_file
    assert not from_crd.alerting.page.enabled
    assert from_crd.alerting.ticket.enabled


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            {"objective": 100}, "objective: must be > 0 and < 100 (a percent), got 100", id="objective-100"
        ),
        pytest.param(
            {"sli": {"plugin": {"id": "x"}}}, "sli.plugin: SLI plugins are not supported", id="plugin"
        ),
        pytest.param(
            {
                "sli": {
                    "events": {"error_query": ERRORS, "total_query": TOTAL},
                    "raw": {"error_ratio_query": "x"},
                }
            },
            "sli: give exactly one of events or raw",
            id="events-and-raw",
        ),
        pytest.param(
            {"sli": {"events": {"error_query": ERRORS}}}, "sli.events.total_query: required", id="no-total"
        ),
        pytest.param(
            {"sli": {"events": {"error_query": ERRORS, "total_query": "sum(rate(x[5m]))"}}},
            "sli.events: use {{.window}} in both queries or in neither",
            id="placeholder",
        ),
        pytest.param({"alerting": {}}, "alerting.name: required unless both", id="alert-name"),
        pytest.param({"plugins": {"chain": []}}, "plugins: SLO plugins are not supported", id="slo-plugins"),
    ],
)
def test_errors_name_slo_and_field(changes: dict[str, Any], expected: str) -> None:
    with pytest.raises(SpecError) as caught:
        load_slos(yaml.safe_dump(_spec(**changes)))
    (issue,) = caught.value.issues
    assert str(issue).startswith(f'slos[0] "availability": {expected}')

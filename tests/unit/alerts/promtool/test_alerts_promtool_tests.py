"""Generated SLO promtool tests: which scenarios exist, and eval times bracketing the detection time."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from alerts.promtool.slo_tests import FAST_INTERVAL, SLOW_INTERVAL, sample_seconds, slo_test_files
from alerts.slo.rules import slo_rules
from metrics_adapter.promql import Duration
from slo.burn_rate import BurnRateWindow, Severity
from slo.spec import Comparison, RatioSLI, RawRatioSLI, RawRatioType, ThresholdSLI
from tests.unit.alerts.alerts_slo_builders import latency, make_slo


def _files(**kwargs: Any) -> dict[str, dict[str, Any]]:
    rules = slo_rules(make_slo(**kwargs))
    return {
        suffix: test.to_dict() for suffix, test in slo_test_files(rules, rule_file="x.rules.yaml").items()
    }


def _minutes(text: str) -> float:
    return Duration.parse(text).seconds / 60


def _timing(files: dict[str, dict[str, Any]], tier_id: str) -> dict[str, Any]:
    for document in files.values():
        for group in document["tests"]:
            if group["name"].startswith(f"{tier_id}:"):
                return group
    raise AssertionError(f"no timing scenario for {tier_id}")


def test_fast_and_slow_files_split_by_long_window() -> None:
    files = _files()
    assert set(files) == {"test", "slow.test"}
    assert files["test"]["evaluation_interval"] == FAST_INTERVAL.render()
    assert files["slow.test"]["evaluation_interval"] == SLOW_INTERVAL.render()
    assert [group["name"].split(":")[0] for group in files["slow.test"]["tests"]] == [
        "ticket-1d-2h",
        "ticket-3d-6h",
    ]
    assert files["test"]["rule_files"] == ["x.rules.yaml"]
    assert files["test"]["group_eval_order"] == [
        "slo-llama-availability-sli",
        "slo-llama-availability-budget",
        "slo-llama-availability-alerts",
    ]


@pytest.mark.parametrize(
    ("percent", "days", "tier_id", "long_minutes", "budget", "factor"),
    [
        pytest.param("99.9", 30, "page-1h-5m", 60, "0.02", "14.4", id="99.9-30d-1h"),
        pytest.param("99.9", 30, "page-6h-30m", 360, "0.05", "6", id="99.9-30d-6h"),
        pytest.param("99.5", 30, "ticket-1d-2h", 1440, "0.1", "3", id="99.5-30d-1d"),
        pytest.param("99.9", 28, "ticket-3d-6h", 4320, "0.1", "0.9333", id="99.9-28d-3d"),
    ],
)
def test_timing_brackets_the_workbook_detection_time(
    percent: str, days: int, tier_id: str, long_minutes: int, budget: str, factor: str
) -> None:
    group = _timing(_files(percent=percent, period_days=days), tier_id)
    burn = Decimal(factor) * Decimal("1.1")
    detection = float(Decimal(budget) * days * 1440 / burn)  # budget_consumed * period / burn, minutes
    quiet, fire = (_minutes(test["eval_time"]) - long_minutes for test in group["promql_expr_test"])
    assert quiet < detection < fire
    assert detection - quiet <= max(15, 0.03 * detection)
    assert fire - detection <= max(15, 0.03 * detection)
    assert group["promql_expr_test"][0]["exp_samples"] == []
    [sample] = group["promql_expr_test"][1]["exp_samples"]
    assert f'long_window="{tier_id.split("-")[1]}"' in sample["labels"]
    assert sample["value"] == 1.0


def test_quiet_scenarios_cover_burn_one_and_below_the_smallest_factor() -> None:
    names = [group["name"] for group in _files(period_days=28)["test"]["tests"]]
    assert "burn rate 1: tiers with a factor above 1 stay silent" in names
    assert "burn rate 0.83997: no burn alert" in names  # 0.9 x 0.9333


def test_burn_one_check_leaves_out_tiers_with_factor_one() -> None:
    group = next(g for g in _files()["test"]["tests"] if g["name"].startswith("burn rate 1:"))
    windows = {test["expr"].split('long_window="')[1].split('"')[0] for test in group["promql_expr_test"]}
    assert windows == {"1h", "6h", "1d"}


def test_all_tiers_scenario_expects_every_tier_with_annotations() -> None:
    group = next(g for g in _files()["test"]["tests"] if "every tier fires" in g["name"])
    [check] = group["alert_rule_test"]
    assert [alert["exp_labels"]["long_window"] for alert in check["exp_alerts"]] == ["1h", "6h", "1d", "3d"]
    assert all("summary" in alert["exp_annotations"] for alert in check["exp_alerts"])


@pytest.mark.parametrize(
    ("min_events", "has_guard_scenario"),
    [pytest.param(None, False, id="no-guard"), pytest.param(500, True, id="guard")],
)
def test_guard_scenario_only_with_min_events(min_events: int | None, has_guard_scenario: bool) -> None:
    names = [group["name"] for group in _files(min_events=min_events)["test"]["tests"]]
    assert any(name.startswith("outage on fewer than") for name in names) == has_guard_scenario


def test_no_data_scenario_expects_absent_labels() -> None:
    group = next(g for g in _files(sli=latency())["test"]["tests"] if "no-data" in g["name"])
    quiet, firing = group["alert_rule_test"]
    assert quiet["exp_alerts"] == []
    [alert] = firing["exp_alerts"]
    assert alert["exp_labels"]["destination_workload"] == "llama-predictor"
    assert alert["exp_labels"]["severity"] == "ticket"
    assert _minutes(firing["eval_time"]) > 30 + 10 + 5


def _input_names(group: dict[str, Any]) -> set[str]:
    return {series["series"].split("{")[0] for series in group["input_series"]}


def test_user_queries_of_other_shapes_are_tested_at_the_error_ratio_records() -> None:
    files = _files(sli=RatioSLI(total="sum(x_total)", bad="sum(x_bad) + sum(y_bad)", counter=True))
    assert set(files) == {"test", "slow.test"}
    page = _timing(files, "page-1h-5m")
    # Only the records the tier reads, never the user's raw series.
    assert _input_names(page) == {"slo:sli_error:ratio_rate5m", "slo:sli_error:ratio_rate1h"}
    ticket = _timing(files, "ticket-3d-6h")
    assert _input_names(ticket) == {
        "slo:sli_error:ratio_rate5m",
        "slo:sli_error:ratio_rate6h",
        "slo:sli_error:ratio_rate3d",
    }
    no_data = next(g for g in files["test"]["tests"] if "no-data" in g["name"])
    # Without raw selectors the no-data alert watches our own 5-minute event count.
    assert "slo:sli_total:increase5m" in _input_names(no_data)
    [alert] = no_data["alert_rule_test"][1]["exp_alerts"]
    assert alert["exp_labels"]["slo"] == "availability"


def _series_labels(group: dict[str, Any]) -> list[str]:
    return [series["series"] for series in group["input_series"]]


def test_plain_selector_user_queries_are_fed_their_own_series_over_several_label_sets() -> None:
    sli = RatioSLI(
        total='istio_requests_total{reporter="destination"}',
        good='istio_requests_total{reporter="destination",response_code!~"5.."}',
        counter=True,
    )
    files = _files(sli=sli)
    page = _timing(files, "page-1h-5m")
    assert _input_names(page) == {"istio_requests_total"}
    labels = _series_labels(page)
    codes = sorted({text.split('response_code="')[1].split('"')[0] for text in labels})
    assert codes == ["200", "201", "500", "503"], "two good and two bad codes"
    assert {'pod="model-0"' in text for text in labels} == {True, False}, "two pods per code"
    assert all('reporter="destination"' in text for text in labels)
    steps = {series["values"].split()[0] for series in page["input_series"] if "_x" not in series["values"]}
    assert len(steps) > 1, "uneven traffic: the series grow at different rates"


def test_user_queries_on_different_metrics_feed_each_metric() -> None:
    sli = RatioSLI(
        total='sum(rate(http_requests_total{job="api"}[{{.window}}]))',
        bad='sum(rate(http_errors_total{job="api"}[{{.window}}]))',
    )
    page = _timing(_files(sli=sli), "page-1h-5m")
    assert _input_names(page) == {"http_requests_total", "http_errors_total"}


@pytest.mark.parametrize(
    "sli",
    [
        pytest.param(RatioSLI(total="x_total", good="x_good", counter=False), id="gauge-queries"),
        pytest.param(RatioSLI(total="x_total", good="x_total", counter=True), id="no-bad-series-possible"),
        pytest.param(
            RatioSLI(total="x_total", good="histogram_quantile(0.9, x_good)", counter=True), id="other-shape"
        ),
        pytest.param(
            RatioSLI(total="x_total", good="x_good", counter=True, per_label=("model",)), id="grouped"
        ),
    ],
)
def test_user_queries_we_cannot_feed_fall_back_to_the_records(sli: RatioSLI) -> None:
    page = _timing(_files(sli=sli), "page-1h-5m")
    assert _input_names(page) == {"slo:sli_error:ratio_rate5m", "slo:sli_error:ratio_rate1h"}


def test_raw_ratio_slis_let_the_rules_derive_day_windows_from_the_5m_record() -> None:
    files = _files(sli=RawRatioSLI("1 - avg(success_ratio)", RawRatioType.SUCCESS))
    ticket = _timing(files, "ticket-1d-2h")
    assert _input_names(ticket) == {"slo:sli_error:ratio_rate5m", "slo:sli_error:ratio_rate2h"}


def test_gauge_threshold_no_data_feeds_the_gauge_itself() -> None:
    gauge = ThresholdSLI(
        Comparison.LT, Decimal(95), metric="DCGM_FI_DEV_GPU_UTIL", matchers=(("namespace", "ml"),)
    )
    group = next(g for g in _files(sli=gauge)["test"]["tests"] if "no-data" in g["name"])
    [series] = group["input_series"]
    assert series["series"] == 'DCGM_FI_DEV_GPU_UTIL{namespace="ml"}'
    [alert] = group["alert_rule_test"][1]["exp_alerts"]
    assert alert["exp_labels"]["namespace"] == "ml"


def test_user_query_gauge_has_no_no_data_scenario_but_keeps_the_tier_scenarios() -> None:
    gauge = ThresholdSLI(Comparison.GT, Decimal(1), query="min(up{job=~'vllm.*'})")
    names = [group["name"] for group in _files(sli=gauge)["test"]["tests"]]
    assert any(name.startswith("page-1h-5m:") for name in names)
    assert any("every tier fires" in name for name in names)


@pytest.mark.parametrize(
    ("short_windows", "expected"),
    [
        pytest.param([300, 1800], 60, id="workbook"),
        pytest.param([240], 60, id="four-minutes"),
        pytest.param([60, 300], 15, id="one-minute"),
        pytest.param([10, 5], 1, id="seconds"),
        pytest.param([], 60, id="no-tiers"),
    ],
)
def test_sample_step_keeps_four_samples_in_the_shortest_short_window(
    short_windows: list[int], expected: int
) -> None:
    assert sample_seconds(short_windows) == expected


def test_second_scale_tiers_get_samples_and_evaluations_seconds_apart() -> None:
    windows = (
        BurnRateWindow.from_factor(Severity.PAGE, 10, long_window=30, short_window=5, period=3600),
        BurnRateWindow.from_factor(Severity.TICKET, 5, long_window=120, short_window=10, period=3600),
    )
    files = _files(windows=windows, period_days=1)
    assert set(files) == {"test"}
    document = files["test"]
    assert document["evaluation_interval"] == "1s"
    assert {group["interval"] for group in document["tests"]} == {"1s"}
    page = _timing(files, "page-30s-5s")
    # burn 11 against factor 10: detected after 10 * 30 s / 11 = 27.3 s of burning, after the clean 30 s.
    quiet, fire = (Duration.parse(test["eval_time"]).seconds - 30 for test in page["promql_expr_test"])
    assert quiet < 27.3 < fire
    assert fire - quiet <= 6  # two evaluation steps either side, rounded to whole samples

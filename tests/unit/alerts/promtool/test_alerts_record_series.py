"""Error-ratio records fed to generated tests: moving means of the phases, in compact notation."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from alerts.promtool.record_series import compress, gauge_series, record_series, window_means
from alerts.promtool.synthetic_traffic import Phase
from metrics_adapter.promql import Duration, Selector, eq, re


def test_window_means_ramp_after_the_onset_and_average_young_windows() -> None:
    phases = [Phase(3, Decimal(10)), Phase(3, Decimal(10), Decimal("0.5"))]
    assert window_means(phases, 2) == [0, 0, 0, Fraction(1, 4), Fraction(1, 2), Fraction(1, 2)]
    # A window longer than the data averages what there is, as rate() does on a young series.
    steady = [Phase(4, Decimal(10), Decimal("0.2"))]
    assert window_means(steady, 100) == [Fraction(1, 5)] * 4


def test_compress_turns_constant_steps_into_expanding_notation() -> None:
    values = [Fraction(0)] * 3 + [Fraction(1, 4), Fraction(1, 2), Fraction(3, 4)] + [Fraction(3, 4)] * 2
    assert compress(values) == "0+0x2 0.25+0.25x2 0.75+0x1"
    assert compress([Fraction(1, 2)], gap=3) == "0.5+0x0 _x3"
    assert compress([Fraction(1), Fraction(1, 2), Fraction(0)]) == "1-0.5x2"


def test_record_series_names_every_window_and_the_total_with_the_record_labels() -> None:
    phases = [Phase(2, Decimal(6)), Phase(2, Decimal(6), Decimal(1))]
    labels = (("service", "llama"), ("slo", "availability"))
    series = record_series(
        phases,
        windows=[Duration.minutes(2), Duration(60), Duration.minutes(2)],
        sample_seconds=60,
        labels=labels,
        with_total=True,
    )
    rendered = {item.metric: item.values for item in series}
    assert rendered == {
        "slo:sli_error:ratio_rate1m": "0+0x1 1+0x1",
        "slo:sli_error:ratio_rate2m": "0+0x1 0.5+0.5x1",
        "slo:sli_total:increase5m": "30+0x3",  # 6 events a sample, 5 samples in 5 minutes
    }
    assert {item.labels for item in series} == {labels}


def test_gauge_series_only_for_equality_matchers() -> None:
    gauge = gauge_series(Selector("DCGM_FI_DEV_GPU_UTIL", (eq("namespace", "ml"), eq("pod", ""))), 3, 2)
    assert gauge is not None
    assert gauge.labels == (("namespace", "ml"),)
    assert gauge.values == "0+0x2 _x2"
    assert gauge_series(Selector("up", (re("job", "vllm.*"),)), 3, 2) is None

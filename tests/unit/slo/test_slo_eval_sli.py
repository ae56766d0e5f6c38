"""SLI PromQL: Istio availability and latency, native histograms, gauges, user ratios, timeslices."""

from __future__ import annotations

from decimal import Decimal

import pytest

from metrics_adapter.promql import Duration, eq
from slo.sli import (
    CountKind,
    EventUnit,
    NoEventCountsError,
    UserQuery,
    bucket_bound_spellings,
    event_queries,
    resolve_le,
    sli_error_ratio,
    sli_events,
)
from slo.spec import SLO, load_slos

H = Duration.hours(1)
TARGET = 'reporter="destination", destination_workload_namespace="ml", destination_workload="llama"'


def one(sli: str, *, extra: str = "", window: str = "{rolling: 30d}") -> SLO:
    text = (
        "slos:\n  - name: x\n    service: s\n    objective: 99\n"
        f"    window: {window}\n    sli: {sli}\n{extra}"
    )
    return load_slos(text)[0]


AVAIL = "{kind: availability, namespace: ml, workload: llama}"


@pytest.mark.parametrize(
    ("sli", "good", "bad"),
    [
        pytest.param(
            AVAIL,
            f'sum(increase(istio_requests_total{{{TARGET}, response_code!~"5.."}}[1h]))',
            f'sum(increase(istio_requests_total{{{TARGET}, response_code=~"5.."}}[1h]))',
            id="default-5xx",
        ),
        pytest.param(
            "{kind: availability, namespace: ml, workload: llama, codePolicy: {'429': bad, '503': excluded}}",
            f"sum(increase(istio_requests_total{{{TARGET}, "
            'response_code!~"503", response_code!~"(?:5..)|429"}[1h]))',
            f"sum(increase(istio_requests_total{{{TARGET}, "
            'response_code=~"(?:5..)|429", response_code!~"503"}[1h]))',
            id="429-bad-503-excluded",
        ),
        pytest.param(
            "{kind: availability, namespace: ml, service: llama, reporter: source}",
            'sum(increase(istio_requests_total{reporter="source", destination_service_namespace="ml", '
            'destination_service_name="llama", response_code!~"5.."}[1h]))',
            'sum(increase(istio_requests_total{reporter="source", destination_service_namespace="ml", '
            'destination_service_name="llama", response_code=~"5.."}[1h]))',
            id="service-source-reporter",
        ),
    ],
)
def test_availability(sli: str, good: str, bad: str) -> None:
    queries = event_queries(one(sli))
    assert queries.natural is CountKind.BAD
    assert queries.good(H).render() == good
    assert queries.bad(H).render() == bad


def test_availability_total_leaves_out_excluded_codes() -> None:
    queries = event_queries(
        one("{kind: availability, namespace: ml, workload: llama, codePolicy: {'503': excluded}}")
    )
    assert queries.total(H).render() == (
        f'sum(increase(istio_requests_total{{{TARGET}, response_code!~"503"}}[1h]))'
    )


def test_forgiven_code_is_good_even_when_it_matches_bad_codes() -> None:
    good = event_queries(
        one("{kind: availability, namespace: ml, workload: llama, codePolicy: {'503': good}}")
    ).good(H)
    assert 'response_code=~"503"' in good.render()
    assert " or " in good.render()


@pytest.mark.parametrize(
    ("bound", "spellings"),
    [
        pytest.param("300", ("300", "300.0"), id="integer"),
        pytest.param("0.5", ("0.5",), id="fraction"),
        pytest.param("3600000", ("3600000", "3600000.0", "3.6e+06"), id="exponent"),
        pytest.param("1000000", ("1000000", "1000000.0", "1e+06"), id="power-of-ten"),
    ],
)
def test_bucket_bound_spellings(bound: str, spellings: tuple[str, ...]) -> None:
    assert bucket_bound_spellings(Decimal(bound)) == spellings


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        pytest.param(["100", "300", "+Inf"], 'le="300"', id="plain"),
        pytest.param(["100.0", "300.0", "+Inf"], 'le="300.0"', id="prometheus-3"),
        pytest.param(["300", "300.0"], 'le=~"300|300\\\\.0"', id="both-spellings"),
        pytest.param(["250", "500"], None, id="not-a-bound"),
    ],
)
def test_resolve_le(found: list[str], expected: str | None) -> None:
    matcher = resolve_le(found, Decimal(300))
    assert (None if matcher is None else matcher.render()) == expected


LATENCY = "{kind: latency, namespace: ml, workload: llama, thresholdMs: 1000}"


def test_classic_latency_matches_every_spelling_unless_told_the_exact_text() -> None:
    slo = one(LATENCY)
    good, total = sli_events(slo, H)
    assert 'le=~"1000|1000\\\\.0"' in good.render()
    assert total.render() == f"sum(increase(istio_request_duration_milliseconds_count{{{TARGET}}}[1h]))"
    exact, _ = sli_events(slo, H, le=eq("le", "1000.0"))
    assert 'le="1000.0"' in exact.render()


def test_native_latency_uses_histogram_fraction() -> None:
    slo = one("{kind: latency, namespace: ml, workload: llama, thresholdMs: 300, histogram: native}")
    good, total = sli_events(slo, H)
    histogram = f"sum(increase(istio_request_duration_milliseconds{{{TARGET}}}[1h]))"
    assert total.render() == f"histogram_count({histogram})"
    assert good.render() == f"histogram_fraction(0, 300, {histogram}) * histogram_count({histogram})"


@pytest.mark.parametrize(
    ("comparison", "worst", "good_op"),
    [
        pytest.param("lt", "max", "<", id="lt"),
        pytest.param("gte", "min", ">=", id="gte"),
    ],
)
def test_gauge_threshold_counts_one_minute_slices(comparison: str, worst: str, good_op: str) -> None:
    slo = one(
        "{kind: threshold, metric: DCGM_FI_DEV_GPU_UTIL, matchers: {namespace: ml}, "
        f"comparison: {comparison}, threshold: 95}}"
    )
    queries = event_queries(slo)
    assert queries.unit is EventUnit.SLICES
    gauge = f'{worst}(DCGM_FI_DEV_GPU_UTIL{{namespace="ml"}})'
    assert queries.good(H).render() == f"sum_over_time(({gauge} {good_op} bool 95)[1h:1m])"
    assert queries.total(H).render() == f"count_over_time({gauge}[1h:1m])"


def test_user_ratio_substitutes_the_window_placeholder() -> None:
    slo = one("{kind: ratio, good: 'sum(rate(ok[{{.window}}]))', total: 'sum(rate(all[{{.window}}]))'}")
    good, total = sli_events(slo, Duration.minutes(5))
    assert (good.render(), total.render()) == ("sum(rate(ok[5m]))", "sum(rate(all[5m]))")


def test_user_ratio_without_placeholder_is_read_as_counters() -> None:
    slo = one(
        "{kind: ratio, bad: 'sum by (model) (errors_total)', total: 'sum by (model) (requests_total)',"
        " perLabel: [model]}"
    )
    queries = event_queries(slo)
    assert queries.natural is CountKind.BAD
    assert queries.group_labels == ("model",)
    assert queries.bad(H).render() == "increase((sum by (model) (errors_total))[1h:])", (
        "a query already summed by exactly the grouping is used as it is"
    )


@pytest.mark.parametrize(
    ("bad", "per_label", "expected"),
    [
        pytest.param(
            'errors_total{code="503"}',
            "[]",
            'sum(increase((errors_total{code="503"})[1h:]))',
            id="plain-selector-summed-over-every-label",
        ),
        pytest.param(
            "errors_total",
            "[model]",
            "sum by (model) (increase((errors_total)[1h:]))",
            id="plain-selector-kept-by-grouping",
        ),
        pytest.param(
            "sum(errors_total)",
            "[model]",
            "sum by (model) (increase((sum(errors_total))[1h:]))",
            id="summed-by-other-labels-summed-again",
        ),
        pytest.param(
            "sum by (pod) (errors_total)",
            "[]",
            "sum(increase((sum by (pod) (errors_total))[1h:]))",
            id="summed-by-pod-collapsed",
        ),
    ],
)
def test_user_counts_are_summed_over_all_labels_but_the_grouping(
    bad: str, per_label: str, expected: str
) -> None:
    slo = one(f"{{kind: ratio, bad: '{bad}', total: 'requests_total', perLabel: {per_label}}}")
    assert event_queries(slo).bad(H).render() == expected


def test_latency_error_ratio_needs_no_second_guard() -> None:
    text = sli_error_ratio(one(LATENCY), H).render()
    assert text.count(" or ") == 1, "bad = total - (good or 0 * total) is present wherever total is"


def test_error_ratio_is_guarded_against_zero_traffic() -> None:
    text = sli_error_ratio(one(AVAIL), H).render()
    total = f"sum(increase(istio_requests_total{{{TARGET}}}[1h]))"
    assert text.endswith(f"/ ({total} > 0)")
    assert f"or (0 * {total})" in text


def test_timeslices_wrap_event_slis() -> None:
    slo = one(AVAIL, extra="    budgeting: {method: timeslices, sliceWindow: 5m, sliceTarget: 0.95}\n")
    queries = event_queries(slo)
    assert queries.unit is EventUnit.SLICES
    good = queries.good(H).render()
    assert good.startswith("sum_over_time((")
    assert good.endswith(">= bool 0.95)[1h:5m])")
    assert "[5m]" in good
    assert "or (0 * sum(increase(" in good, "an all-bad slice has no good series but must count as bad"


def test_raw_ratio_has_no_event_counts() -> None:
    slo = load_slos(
        "version: prometheus/v1\nservice: s\nslos:\n  - name: raw\n    objective: 99\n"
        "    sli: {raw: {error_ratio_query: 'x / y'}}\n"
        "    alerting: {page_alert: {disable: true}, ticket_alert: {disable: true}}\n"
    )[0]
    with pytest.raises(NoEventCountsError):
        sli_events(slo, H)
    assert sli_error_ratio(slo, H).render() == "avg_over_time((x / y)[1h:])"


def test_user_query_is_parenthesised_as_an_operand() -> None:
    assert UserQuery(" a or b ").render() == "a or b"
    with pytest.raises(ValueError, match="non-empty"):
        UserQuery("  ")

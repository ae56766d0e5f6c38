"""render() of every expression node and builder, and the validation of node arguments."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from metrics_adapter.promql import (
    AggregateOp,
    Aggregation,
    BinaryOp,
    BinOp,
    Call,
    Duration,
    Expr,
    Matcher,
    MatchOp,
    NumberLiteral,
    RangeSelector,
    Selector,
    StringLiteral,
    Subquery,
    Unary,
    VectorMatching,
    absent,
    add,
    aggregate,
    and_,
    avg_over_time,
    binary,
    call,
    clamp_min,
    count_by,
    div,
    eq,
    histogram_fraction,
    histogram_quantile,
    increase,
    irate,
    label_join,
    label_replace,
    literal_regex,
    max_over_time,
    mul,
    ne,
    nre,
    or_,
    quantile_over_time,
    rate,
    re,
    sub,
    sum_by,
    sum_without,
    time,
    timestamp,
    topk,
    unless,
    vector,
)

REQS = Selector("http_requests_total", (eq("job", "api"),))
MIN2 = Duration(120)


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        pytest.param(eq("pod", "a"), 'pod="a"', id="matcher-eq"),
        pytest.param(ne("pod", ""), 'pod!=""', id="matcher-ne"),
        pytest.param(re("code", "5.."), 'code=~"5.."', id="matcher-re"),
        pytest.param(nre("code", "2.."), 'code!~"2.."', id="matcher-nre"),
        pytest.param(eq("v", 'a"b\\c\n'), 'v="a\\"b\\\\c\\n"', id="matcher-escapes-value"),
        pytest.param(re("v", "a\\.b"), 'v=~"a\\\\.b"', id="matcher-regex-escaped-once-for-string"),
        pytest.param(Matcher("a", MatchOp("!="), "x"), 'a!="x"', id="matcher-op-from-text"),
        pytest.param(literal_regex("v", ["a.b", "c|d"]), 'v=~"a\\\\.b|c\\\\|d"', id="literal-regex"),
        pytest.param(literal_regex("v", ["x", "x"]), 'v=~"x"', id="literal-regex-dedup"),
        pytest.param(literal_regex("v", ["x"], negate=True), 'v!~"x"', id="literal-regex-negated"),
    ],
)
def test_matcher_render(node: Matcher, expected: str) -> None:
    assert node.render() == expected
    assert str(node) == expected


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        pytest.param(Selector("up"), "up", id="bare-metric"),
        pytest.param(Selector("job:req:rate5m"), "job:req:rate5m", id="recording-rule-name"),
        pytest.param(REQS, 'http_requests_total{job="api"}', id="metric-with-matcher"),
        pytest.param(
            Selector("m", (eq("a", "1"), re("b", ".+"))), 'm{a="1", b=~".+"}', id="several-matchers"
        ),
        pytest.param(Selector(None, (ne("job", ""),)), '{job!=""}', id="no-metric"),
        pytest.param(Selector(None, (re("job", ".+"),)), '{job=~".+"}', id="no-metric-regex"),
        pytest.param(Selector("sum"), '{__name__="sum"}', id="reserved-metric-name"),
        pytest.param(Selector("NaN", (eq("a", "b"),)), '{__name__="NaN", a="b"}', id="reserved-nan"),
        pytest.param(Selector("up", offset=Duration(300)), "up offset 5m", id="offset"),
        pytest.param(RangeSelector(REQS, MIN2), 'http_requests_total{job="api"}[2m]', id="range"),
        pytest.param(
            RangeSelector(Selector("up", offset=Duration.hours(1)), Duration(30)),
            "up[30s] offset 1h",
            id="range-offset-after-window",
        ),
        pytest.param(Subquery(Selector("up"), Duration.hours(1), Duration(60)), "up[1h:1m]", id="subquery"),
        pytest.param(
            Subquery(rate(REQS, MIN2), Duration.days(1)),
            'rate(http_requests_total{job="api"}[2m])[1d:]',
            id="subquery-call",
        ),
        pytest.param(
            Subquery(add(Selector("a"), 1), Duration(5400)), "(a + 1)[1h30m:]", id="subquery-parenthesised"
        ),
        pytest.param(
            Subquery(Selector("a", offset=Duration(60)), Duration(600)),
            "(a offset 1m)[10m:]",
            id="subquery-offset",
        ),
    ],
)
def test_selector_render(node: Expr, expected: str) -> None:
    assert node.render() == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(1, "1", id="int"),
        pytest.param(0.99, "0.99", id="fraction"),
        pytest.param(5.0, "5", id="integral-float"),
        pytest.param(-2.5, "-2.5", id="negative"),
        pytest.param(-0.0, "-0", id="negative-zero"),
        pytest.param(1e-5, "1e-05", id="small"),
        pytest.param(2.0**60, "1.152921504606847e+18", id="beyond-exact-integers"),
        pytest.param(math.nan, "NaN", id="nan"),
        pytest.param(math.inf, "Inf", id="inf"),
        pytest.param(-math.inf, "-Inf", id="minus-inf"),
    ],
)
def test_number_literal_render(value: float, expected: str) -> None:
    assert NumberLiteral(value).render() == expected


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        pytest.param(StringLiteral('a"b'), '"a\\"b"', id="string-literal"),
        pytest.param(rate(REQS, MIN2), 'rate(http_requests_total{job="api"}[2m])', id="rate"),
        pytest.param(irate(Selector("x"), Duration(60)), "irate(x[1m])", id="irate"),
        pytest.param(
            increase(RangeSelector(Selector("x"), Duration(3600))), "increase(x[1h])", id="increase-range"
        ),
        pytest.param(max_over_time(Selector("x"), Duration.days(7)), "max_over_time(x[7d])", id="days"),
        pytest.param(
            avg_over_time(Subquery(rate(Selector("x"), Duration(60)), Duration(3600), Duration(60))),
            "avg_over_time(rate(x[1m])[1h:1m])",
            id="over-subquery",
        ),
        pytest.param(
            quantile_over_time(0.9, Selector("x"), Duration(300)),
            "quantile_over_time(0.9, x[5m])",
            id="quantile-over-time",
        ),
        pytest.param(
            histogram_quantile(0.99, sum_by(rate(Selector("lat_bucket"), Duration(300)), "le", "pod")),
            "histogram_quantile(0.99, sum by (le, pod) (rate(lat_bucket[5m])))",
            id="histogram-quantile",
        ),
        pytest.param(
            histogram_fraction(0, 0.25, rate(Selector("lat"), Duration(300))),
            "histogram_fraction(0, 0.25, rate(lat[5m]))",
            id="histogram-fraction",
        ),
        pytest.param(clamp_min(Selector("x"), -1), "clamp_min(x, -1)", id="clamp-min-negative"),
        pytest.param(absent(Selector("up", (eq("job", "a"),))), 'absent(up{job="a"})', id="absent"),
        pytest.param(vector(1), "vector(1)", id="vector"),
        pytest.param(time(), "time()", id="time"),
        pytest.param(timestamp(Selector("up")), "timestamp(up)", id="timestamp"),
        pytest.param(
            label_replace(Selector("x"), "svc", "$1", "service", "(.*)\\.svc"),
            'label_replace(x, "svc", "$1", "service", "(.*)\\\\.svc")',
            id="label-replace",
        ),
        pytest.param(
            label_join(Selector("x"), "ab", "/", "a", "b"),
            'label_join(x, "ab", "/", "a", "b")',
            id="label-join",
        ),
        pytest.param(call("round", Selector("x"), 0.5), "round(x, 0.5)", id="generic-call"),
        pytest.param(Call("pi"), "pi()", id="no-args"),
        pytest.param(Unary(Selector("x")), "-x", id="unary-minus"),
        pytest.param(Unary(add(Selector("a"), 1)), "-(a + 1)", id="unary-minus-parenthesised"),
        pytest.param(Unary(NumberLiteral(-1)), "-(-1)", id="unary-of-negative"),
    ],
)
def test_call_and_literal_render(node: Expr, expected: str) -> None:
    assert node.render() == expected


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        pytest.param(Aggregation(AggregateOp.SUM, Selector("x")), "sum(x)", id="sum"),
        pytest.param(sum_by(Selector("x"), "pod"), "sum by (pod) (x)", id="sum-by"),
        pytest.param(sum_by(Selector("x")), "sum by () (x)", id="sum-by-nothing"),
        pytest.param(
            sum_without(Selector("x"), "le", "instance"), "sum without (le, instance) (x)", id="without"
        ),
        pytest.param(count_by(Selector("x"), "on"), "count by (on) (x)", id="keyword-as-label"),
        pytest.param(topk(3, Selector("x")), "topk(3, x)", id="topk"),
        pytest.param(topk(3, Selector("x"), "ns"), "topk by (ns) (3, x)", id="topk-by"),
        pytest.param(
            aggregate("quantile", Selector("x"), by=("a",), param=0.5),
            "quantile by (a) (0.5, x)",
            id="quantile",
        ),
        pytest.param(
            aggregate(AggregateOp.COUNT_VALUES, Selector("x"), param=StringLiteral('v"')),
            'count_values("v\\"", x)',
            id="count-values",
        ),
        pytest.param(div(Selector("a"), Selector("b")), "a / b", id="div"),
        pytest.param(mul(Selector("a"), 100), "a * 100", id="mul-number"),
        pytest.param(sub(1, div(Selector("a"), Selector("b"))), "1 - (a / b)", id="nested-parenthesised"),
        pytest.param(add(Selector("a"), -1), "a + (-1)", id="negative-operand-parenthesised"),
        pytest.param(
            BinaryOp(BinOp.POW, NumberLiteral(-2), NumberLiteral(2)), "(-2) ^ 2", id="pow-of-negative"
        ),
        pytest.param(binary(">", Selector("a"), 0, bool_modifier=True), "a > bool 0", id="bool"),
        pytest.param(binary("/", Selector("a"), Selector("b"), on=("pod",)), "a / on(pod) b", id="on"),
        pytest.param(
            binary("*", Selector("a"), Selector("b"), ignoring=("le", "code")),
            "a * ignoring(le, code) b",
            id="ignoring",
        ),
        pytest.param(
            binary("*", Selector("a"), Selector("b"), on=("pod",), group_left=("node",)),
            "a * on(pod) group_left(node) b",
            id="group-left",
        ),
        pytest.param(
            binary("+", Selector("a"), Selector("b"), on=(), group_right=()),
            "a + on() group_right b",
            id="group-right-empty",
        ),
        pytest.param(and_(Selector("a"), Selector("b")), "a and b", id="and"),
        pytest.param(or_(Selector("a"), vector(0)), "a or vector(0)", id="or"),
        pytest.param(unless(Selector("a"), Selector("b")), "a unless b", id="unless"),
        pytest.param(binary("atan2", Selector("a"), Selector("b")), "a atan2 b", id="atan2"),
        pytest.param(
            sum_by(rate(REQS, MIN2), "pod"),
            'sum by (pod) (rate(http_requests_total{job="api"}[2m]))',
            id="documented-example",
        ),
    ],
)
def test_operator_render(node: Expr, expected: str) -> None:
    assert node.render() == expected
    assert str(node) == expected


@pytest.mark.parametrize(
    ("build", "error"),
    [
        pytest.param(lambda: eq("0pod", "a"), ValueError, id="label-starts-with-digit"),
        pytest.param(lambda: eq("a-b", "a"), ValueError, id="label-with-dash"),
        pytest.param(lambda: eq("a:b", "a"), ValueError, id="label-with-colon"),
        pytest.param(lambda: Matcher("a", "==", "x"), ValueError, id="unknown-match-op"),  # type: ignore[arg-type]
        pytest.param(lambda: eq("a", "\ud800"), ValueError, id="surrogate-value"),
        pytest.param(lambda: literal_regex("a", []), ValueError, id="empty-literal-regex"),
        pytest.param(lambda: Selector("1up"), ValueError, id="metric-starts-with-digit"),
        pytest.param(lambda: Selector("a-b"), ValueError, id="metric-with-dash"),
        pytest.param(lambda: Selector(None), ValueError, id="nothing-selected"),
        pytest.param(lambda: Selector(None, (eq("a", ""),)), ValueError, id="only-empty-matchers"),
        pytest.param(lambda: Selector(None, (re("a", ".*"),)), ValueError, id="only-match-all-regex"),
        pytest.param(lambda: Selector("x", (eq("__name__", "y"),)), ValueError, id="name-twice"),
        pytest.param(lambda: Duration(0), ValueError, id="zero-duration"),
        pytest.param(lambda: Call("rate(", ()), ValueError, id="bad-function-name"),
        pytest.param(lambda: Call("sum", (Selector("x"),)), ValueError, id="aggregator-as-function"),
        pytest.param(lambda: rate(Selector("x")), ValueError, id="rate-without-window"),
        pytest.param(lambda: rate(RangeSelector(Selector("x"), MIN2), MIN2), ValueError, id="window-twice"),
        pytest.param(lambda: Aggregation(AggregateOp.TOPK, Selector("x")), ValueError, id="topk-without-k"),
        pytest.param(lambda: aggregate("sum", Selector("x"), param=1), ValueError, id="sum-with-param"),
        pytest.param(
            lambda: aggregate("sum", Selector("x"), by=("a",), without=("b",)),
            ValueError,
            id="by-and-without",
        ),
        pytest.param(
            lambda: aggregate("count_values", Selector("x"), param=1), TypeError, id="count-values-number"
        ),
        pytest.param(lambda: sum_by(Selector("x"), "a b"), ValueError, id="bad-grouping-label"),
        pytest.param(
            lambda: binary("+", Selector("a"), Selector("b"), bool_modifier=True),
            ValueError,
            id="bool-on-arith",
        ),
        pytest.param(lambda: VectorMatching(on=("a",), ignoring=("b",)), ValueError, id="on-and-ignoring"),
        pytest.param(lambda: VectorMatching(group_left=("a",)), ValueError, id="group-without-on"),
        pytest.param(
            lambda: binary("and", Selector("a"), Selector("b"), on=("x",), group_left=()),
            ValueError,
            id="group-on-set-op",
        ),
        pytest.param(lambda: NumberLiteral("1"), TypeError, id="number-from-str"),  # type: ignore[arg-type]
        pytest.param(lambda: Unary(Selector("x"), "*"), ValueError, id="bad-unary"),  # type: ignore[arg-type]
    ],
)
def test_invalid_nodes_are_refused(build: Callable[[], object], error: type[Exception]) -> None:
    with pytest.raises(error):
        build()


def test_selector_accepts_matchers_whose_emptiness_python_cannot_decide() -> None:
    # RE2-only syntax: Prometheus decides, the selector does not guess.
    selector = Selector(None, (re("a", "\\pN+"),))
    assert selector.render() == '{a=~"\\\\pN+"}'


def test_nodes_are_values() -> None:
    assert sum_by(rate(REQS, MIN2), "pod") == sum_by(rate(REQS, MIN2), "pod")
    assert {rate(REQS, MIN2), rate(REQS, MIN2)} == {rate(REQS, MIN2)}
    assert rate(REQS, MIN2) != rate(REQS, Duration(60))

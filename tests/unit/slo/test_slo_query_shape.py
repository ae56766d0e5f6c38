"""What the parser-backed reading of user PromQL says: top-level sums and synthesisable selectors."""

from __future__ import annotations

import pytest

from slo.sli.query_shape import EventSelector, event_selectors, summed_by


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("sum(rate(x[{{.window}}]))", frozenset(), id="plain-sum-with-placeholder"),
        pytest.param("(sum by (b, a) (x))", frozenset({"a", "b"}), id="sum-by-in-parentheses"),
        pytest.param("sum without (pod) (x)", None, id="sum-without"),
        pytest.param("max(x)", None, id="other-aggregation"),
        pytest.param("x", None, id="selector"),
        pytest.param("sum(x) / sum(y)", None, id="ratio-of-sums"),
        pytest.param("sum(", None, id="syntax-error"),
    ],
)
def test_summed_by(query: str, expected: frozenset[str] | None) -> None:
    assert summed_by(query) == expected


REQUESTS = EventSelector("istio_requests_total", (("reporter", "=", "destination"), ("code", "!~", "5..")))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param(
            'istio_requests_total{reporter="destination",code!~"5.."}', (REQUESTS,), id="plain-selector"
        ),
        pytest.param(
            'sum by (pod) (rate(istio_requests_total{reporter="destination",code!~"5.."}[{{.window}}]))',
            (REQUESTS,),
            id="sum-of-rate",
        ),
        pytest.param(
            '{__name__="x",job=~"a|b"}', (EventSelector("x", (("job", "=~", "a|b"),)),), id="name-matcher"
        ),
        pytest.param("increase(x[5m])", (EventSelector("x", ()),), id="increase"),
        pytest.param("sum(x) + sum(y)", None, id="arithmetic"),
        pytest.param("irate(x[5m])", None, id="irate-is-not-a-window-count"),
        pytest.param("x offset 5m", None, id="offset"),
        pytest.param('{__name__=~"x|y"}', None, id="regex-name"),
        pytest.param("histogram_quantile(0.9, x)", None, id="other-function"),
        pytest.param("rate(x[5m:1m])", None, id="subquery"),
        pytest.param("nosuchfn(x)", None, id="unknown-function"),
    ],
)
def test_event_selectors(query: str, expected: tuple[EventSelector, ...] | None) -> None:
    assert event_selectors(query) == expected

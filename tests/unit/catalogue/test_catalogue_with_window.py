"""``with_window``: every range window of a recipe replaced, gauges untouched, PromQL follows."""

from __future__ import annotations

from dataclasses import replace

import pytest

from metrics_adapter.catalogue import (
    FirstOf,
    Gauge,
    HistogramQuantile,
    Increase,
    Rate,
    Ratio,
    Recipe,
    Series,
    Sum,
    default_catalogue,
    plan_custom_query,
    with_window,
)
from metrics_adapter.catalogue.recipes import leaves, window_of
from metrics_adapter.kube import GroupResource
from metrics_adapter.promql import Duration

MINUTE, FIVE_SECONDS = Duration(60), Duration(5)
REQUESTS = Series("requests_total")


@pytest.mark.parametrize(
    "recipe",
    [
        pytest.param(Rate(REQUESTS, MINUTE, scale=2.0), id="rate"),
        pytest.param(Increase(REQUESTS, MINUTE), id="increase"),
        pytest.param(HistogramQuantile(Series("duration_bucket"), 0.95, MINUTE), id="quantile"),
        pytest.param(Ratio(Rate(REQUESTS, MINUTE), Rate(REQUESTS, Duration(120))), id="ratio"),
        pytest.param(Sum((Rate(REQUESTS, MINUTE), Gauge(Series("queue")))), id="sum-with-gauge"),
        pytest.param(FirstOf((Rate(REQUESTS, MINUTE), Increase(REQUESTS, MINUTE))), id="first-of"),
    ],
)
def test_every_windowed_leaf_takes_the_new_window(recipe: Recipe) -> None:
    rewritten = with_window(recipe, FIVE_SECONDS)
    assert window_of(rewritten) == FIVE_SECONDS
    before, after = list(leaves(recipe)), list(leaves(rewritten))
    assert len(before) == len(after)
    for old, new in zip(before, after, strict=True):
        if isinstance(old, Gauge):
            assert new == old
        else:
            assert new == replace(old, window=FIVE_SECONDS)


def test_a_gauge_has_no_window_to_replace() -> None:
    gauge = Gauge(Series("queue"), scale=0.5)
    assert with_window(gauge, FIVE_SECONDS) is gauge


def test_the_rewritten_definition_queries_the_new_window() -> None:
    definition = default_catalogue().get("istio_request_duration_p95_ms")
    rewritten = replace(definition, value=with_window(definition.value, FIVE_SECONDS))
    promql = plan_custom_query(
        rewritten, resource=GroupResource("deployments", "apps"), namespace="ml", object_name="llama"
    ).promql
    assert "[5s]" in promql
    assert "[1m]" not in promql
    assert rewritten.window == FIVE_SECONDS

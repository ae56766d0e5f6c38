"""Selector translation: every operator, literal matching of values, and refusal of what PromQL cannot say."""

from __future__ import annotations

import pytest

from metrics_adapter.catalogue import (
    SelectorTranslationError,
    default_catalogue,
    explain,
    plan_custom_query,
    plan_external_query,
    selector_matchers,
)
from metrics_adapter.kube import (
    GroupResource,
    LabelSelector,
    Operator,
    Requirement,
    SelectorError,
    parse_selector,
)

CATALOGUE = default_catalogue()


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        pytest.param("model=llama", ['model="llama"'], id="equals"),
        pytest.param("model==llama", ['model="llama"'], id="double-equals"),
        pytest.param("model!=llama", ['model!="llama"'], id="not-equals"),
        pytest.param("model in (b,a)", ['model=~"a|b"'], id="in"),
        pytest.param("model notin (a)", ['model!~"a"'], id="notin"),
        pytest.param("canary", ['canary!=""'], id="exists"),
        pytest.param("!canary", ['canary=""'], id="does-not-exist"),
        pytest.param("version in (1.0,2.x)", ['version=~"1\\\\.0|2\\\\.x"'], id="dots-are-literal"),
        pytest.param("zone=a,model in (x)", ['model=~"x"', 'zone="a"'], id="several-sorted-by-key"),
        pytest.param("model=", ['model=""'], id="empty-value"),
        pytest.param("", [], id="empty-selector"),
    ],
)
def test_translation(selector: str, expected: list[str]) -> None:
    assert [m.render() for m in selector_matchers(parse_selector(selector))] == expected


def test_none_selector_adds_nothing() -> None:
    assert selector_matchers(None) == ()


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        pytest.param("replicas>3", "compares numbers", id="greater-than"),
        pytest.param("replicas<3", "compares numbers", id="less-than"),
        pytest.param("app.kubernetes.io/name=x", "not a Prometheus label name", id="qualified-key"),
        pytest.param("example.com/team=x", "not a Prometheus label name", id="prefixed-key"),
        pytest.param("my-label=x", "not a Prometheus label name", id="dash-in-key"),
        pytest.param("servescale_part=sample_time", "reserved", id="marker-label"),
    ],
)
def test_untranslatable_selectors_are_refused(selector: str, message: str) -> None:
    with pytest.raises(SelectorTranslationError, match=message):
        selector_matchers(parse_selector(selector))


def test_reserved_prometheus_names_cannot_be_selected() -> None:
    """Kubernetes keys start with an alphanumeric, so ``__name__`` can never be constrained."""
    with pytest.raises(SelectorError):
        parse_selector("__name__=up")
    with pytest.raises(SelectorError):
        LabelSelector((Requirement("__name__", Operator.EQUALS, ("up",)),))


@pytest.mark.parametrize(
    "hostile",
    [
        pytest.param('model="x"', id="quotes"),
        pytest.param("model=x}", id="closing-brace"),
        pytest.param("model=x} or vector(1)", id="or-vector"),
        pytest.param("model=x\nor vector(1)", id="newline"),
        pytest.param("model=~.*", id="regex-operator"),
        pytest.param("model=a|b", id="alternation"),
        pytest.param("model in (a|b)", id="alternation-in-set"),
        pytest.param("model=x\\", id="backslash"),
        pytest.param("model=(a)", id="parentheses"),
        pytest.param("model=*", id="star"),
        pytest.param("model=x,{}", id="braces"),
    ],
)
def test_hostile_selectors_never_reach_promql(hostile: str) -> None:
    """The selector grammar admits none of these: the request fails with a 400 before any query."""
    with pytest.raises(SelectorError):
        parse_selector(hostile)
    with pytest.raises(SelectorError):
        explain(CATALOGUE, "istio_requests_per_second", namespace="ml", selector=hostile)


def test_metacharacters_the_grammar_allows_are_matched_literally() -> None:
    plan = plan_custom_query(
        CATALOGUE.get("istio_requests_per_second"),
        resource=GroupResource("pods"),
        namespace="ml",
        metric_selector=parse_selector("destination_version in (v1.2,v1-2)"),
    )
    assert 'destination_version=~"v1-2|v1\\\\.2"' in plan.promql


@pytest.mark.parametrize(
    ("selector", "ok"),
    [
        pytest.param("queue=orders", True, id="declared-label"),
        pytest.param("vhost in (prod),queue=orders", True, id="both-declared"),
        pytest.param("cluster=eu", False, id="undeclared-label"),
    ],
)
def test_external_selectors_are_limited_to_declared_labels(selector: str, ok: bool) -> None:
    definition = CATALOGUE.get("rabbitmq_queue_messages_ready")
    parsed = parse_selector(selector)
    if ok:
        plan_external_query(definition, namespace="w", selector=parsed)
    else:
        with pytest.raises(
            SelectorTranslationError, match=r"labelSelector: label 'cluster' cannot be selected"
        ):
            plan_external_query(definition, namespace="w", selector=parsed)

"""Label selectors: parsing like apimachinery's labels.Parse, matching, rendering, hostile input."""

from __future__ import annotations

import pytest

from metrics_adapter.kube import (
    LabelSelector,
    LabelSelectorWire,
    Operator,
    Requirement,
    SelectorError,
    go_string,
    label_selector_from_wire,
    label_selector_to_wire,
    parse_selector,
)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        pytest.param("", "", id="empty"),
        pytest.param("   ", "", id="blank"),
        pytest.param("app=checkout", "app=checkout", id="equals"),
        pytest.param("app==checkout", "app==checkout", id="double-equals"),
        pytest.param("app!=checkout", "app!=checkout", id="not-equals"),
        pytest.param("tier in (web,api)", "tier in (api,web)", id="in-sorted"),
        pytest.param("tier notin (web)", "tier notin (web)", id="notin"),
        pytest.param("canary", "canary", id="exists"),
        pytest.param("!canary", "!canary", id="does-not-exist"),
        pytest.param("z=1,a=2", "a=2,z=1", id="sorted-by-key"),
        pytest.param(
            "app=checkout,tier in (web,api),!canary", "app=checkout,!canary,tier in (api,web)", id="note"
        ),
        pytest.param("  app  =  checkout  ", "app=checkout", id="blanks-around"),
        pytest.param("app=\tx", "app=x", id="tab-is-blank"),
        pytest.param("app=", "app=", id="empty-value"),
        pytest.param("app=,b=c", "app=,b=c", id="empty-value-then-more"),
        pytest.param("x in ()", "x in ()", id="empty-set-is-empty-value"),
        pytest.param("x in (a,,b)", "x in (,a,b)", id="double-comma-empty-value"),
        pytest.param("x in (a,a)", "x in (a)", id="duplicates-removed"),
        pytest.param("in in (in,notin)", "in in (in,notin)", id="keywords-as-identifiers"),
        pytest.param("example.com/app=x", "example.com/app=x", id="prefixed-key"),
        pytest.param(
            "app.kubernetes.io/name=my_app.v1-2", "app.kubernetes.io/name=my_app.v1-2", id="value-charset"
        ),
        pytest.param("replicas>3", "replicas>3", id="greater-than"),
        pytest.param("replicas<3", "replicas<3", id="less-than"),
        pytest.param("a=b,a!=c", "a=b,a!=c", id="same-key-keeps-order"),
        pytest.param("k=" + "v" * 63, "k=" + "v" * 63, id="value-63-chars"),
    ],
)
def test_parse_and_render(text: str, canonical: str) -> None:
    selector = parse_selector(text)
    assert str(selector) == canonical
    assert parse_selector(str(selector)) == selector


def test_none_is_the_empty_selector() -> None:
    assert parse_selector(None).is_empty
    assert parse_selector(None).matches({"any": "thing"})


def test_requirements_are_exposed_for_translation() -> None:
    selector = parse_selector("tier in (web,api),app=checkout,!canary")
    assert [(r.key, r.operator, r.values) for r in selector] == [
        ("app", Operator.EQUALS, ("checkout",)),
        ("canary", Operator.DOES_NOT_EXIST, ()),
        ("tier", Operator.IN, ("api", "web")),
    ]


@pytest.mark.parametrize(
    ("text", "labels", "expected"),
    [
        pytest.param("app=a", {"app": "a"}, True, id="equals-match"),
        pytest.param("app=a", {"app": "b"}, False, id="equals-other-value"),
        pytest.param("app=a", {}, False, id="equals-missing"),
        pytest.param("app==a", {"app": "a"}, True, id="double-equals"),
        pytest.param("app!=a", {"app": "b"}, True, id="not-equals-other"),
        pytest.param("app!=a", {}, True, id="not-equals-missing-matches"),
        pytest.param("app!=a", {"app": "a"}, False, id="not-equals-same"),
        pytest.param("t in (x,y)", {"t": "y"}, True, id="in"),
        pytest.param("t in (x,y)", {"t": "z"}, False, id="in-miss"),
        pytest.param("t in (x,y)", {}, False, id="in-missing"),
        pytest.param("t notin (x,y)", {"t": "z"}, True, id="notin"),
        pytest.param("t notin (x,y)", {}, True, id="notin-missing-matches"),
        pytest.param("t notin (x,y)", {"t": "x"}, False, id="notin-miss"),
        pytest.param("c", {"c": ""}, True, id="exists-empty-value"),
        pytest.param("c", {}, False, id="exists-missing"),
        pytest.param("!c", {}, True, id="does-not-exist"),
        pytest.param("!c", {"c": "1"}, False, id="does-not-exist-present"),
        pytest.param("app=", {"app": ""}, True, id="empty-value-equals"),
        pytest.param("r>3", {"r": "4"}, True, id="gt"),
        pytest.param("r>3", {"r": "3"}, False, id="gt-equal"),
        pytest.param("r>3", {"r": "x"}, False, id="gt-not-integer"),
        pytest.param("r>3", {}, False, id="gt-missing"),
        pytest.param("r<3", {"r": "-1"}, True, id="lt-negative-label"),
        pytest.param("r<3", {"r": "1_0"}, False, id="lt-underscore-is-not-integer"),
        pytest.param("a=1,b in (2)", {"a": "1", "b": "2"}, True, id="conjunction"),
        pytest.param("a=1,b in (2)", {"a": "1", "b": "3"}, False, id="conjunction-one-fails"),
        pytest.param("", {"a": "1"}, True, id="empty-matches-all"),
    ],
)
def test_matches(text: str, labels: dict[str, str], expected: bool) -> None:
    assert parse_selector(text).matches(labels) is expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        pytest.param('app="checkout"', "a valid label", id="double-quotes"),
        pytest.param("app='checkout'", "a valid label", id="single-quotes"),
        pytest.param("app=checkout}", "a valid label", id="closing-brace"),
        pytest.param('app=x"}', "a valid label", id="quote-brace"),
        pytest.param("{app=x}", "name part", id="braces-around"),
        pytest.param("app=x or vector(1)", "found 'or'", id="or-vector"),
        pytest.param("app=x) or vector(1", "found ')'", id="paren-or-vector"),
        pytest.param("app=~chec.*", "a valid label", id="regex-operator"),
        pytest.param("app!~x", "found '!'", id="negative-regex-operator"),
        pytest.param("app=che|ck", "a valid label", id="regex-alternation"),
        pytest.param("app=x.*", "a valid label", id="regex-star"),
        pytest.param("app=x\ny", "control character", id="newline-in-value"),
        pytest.param("app=x\n", "control character", id="trailing-newline"),
        pytest.param("app=x\r\n,b=c", "control character", id="crlf"),
        pytest.param("app=x\x00junk", "control character", id="nul"),
        pytest.param("app=x y", "found 'y'", id="two-values"),
        pytest.param("app=x,", "identifier after ','", id="trailing-comma"),
        pytest.param(",app=x", "found ','", id="leading-comma"),
        pytest.param("=x", "found '='", id="missing-key"),
        pytest.param("app=(x)", "found '('", id="paren-as-value"),
        pytest.param("app in x", "expected: '('", id="in-without-parens"),
        pytest.param("app in (x", "expected: ',' or ')'", id="unclosed-set"),
        pytest.param("app in (x y)", "found 'y'", id="set-missing-comma"),
        pytest.param("app in (=)", "found '='", id="operator-in-set"),
        pytest.param("!app=x", "found '='", id="negated-with-value"),
        pytest.param("app>=3", "found '='", id="greater-equal"),
        pytest.param("app>x", "must be an integer", id="gt-non-integer"),
        pytest.param("app notin", "expected: '('", id="notin-without-set"),
        pytest.param("-app=x", "name part", id="key-starts-with-dash"),
        pytest.param("app-=x", "name part", id="key-ends-with-dash"),
        pytest.param("a/b/c=x", "qualified name", id="two-slashes"),
        pytest.param("/app=x", "prefix part must be non-empty", id="empty-prefix"),
        pytest.param("Example.com/app=x", "prefix part", id="uppercase-prefix"),
        pytest.param("app/=x", "name part must be non-empty", id="empty-name"),
        pytest.param("k" * 64 + "=x", "no more than 63", id="key-too-long"),
        pytest.param("k=" + "v" * 64, "no more than 63", id="value-too-long"),
        pytest.param("app=ché", "a valid label", id="non-ascii"),
        pytest.param("app=x\u00a0", "a valid label", id="unicode-space"),
        pytest.param("app=x;drop", "a valid label", id="semicolon"),
        pytest.param("app=$(x)", "a valid label", id="dollar"),
        pytest.param("app=x\\", "a valid label", id="backslash"),
    ],
)
def test_hostile_or_malformed_selectors_are_refused(text: str, fragment: str) -> None:
    with pytest.raises(SelectorError, match="invalid label selector") as raised:
        parse_selector(text)
    assert fragment in str(raised.value)


@pytest.mark.parametrize(
    ("key", "operator", "values"),
    [
        pytest.param("a", Operator.IN, (), id="in-without-values"),
        pytest.param("a", Operator.EQUALS, ("x", "y"), id="equals-two-values"),
        pytest.param("a", Operator.EXISTS, ("x",), id="exists-with-value"),
        pytest.param("a", Operator.GREATER_THAN, ("1", "2"), id="gt-two-values"),
        pytest.param("a b", Operator.EXISTS, (), id="bad-key"),
        pytest.param("a", Operator.EQUALS, ("x y",), id="bad-value"),
    ],
)
def test_requirement_validates_like_new_requirement(
    key: str, operator: Operator, values: tuple[str, ...]
) -> None:
    with pytest.raises(SelectorError):
        Requirement(key, operator, values)


def test_from_labels_builds_an_equality_selector() -> None:
    selector = LabelSelector.from_labels({"tier": "web", "app": "checkout"})
    assert str(selector) == "app=checkout,tier=web"
    assert selector.matches({"app": "checkout", "tier": "web", "extra": "x"})
    assert not selector.matches({"app": "checkout"})
    with pytest.raises(SelectorError):
        LabelSelector.from_labels({"app": 'x"'})


def test_selector_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="invalid label selector"):
        parse_selector("app=(")


@pytest.mark.parametrize(
    ("selector", "labels", "matches"),
    [
        pytest.param("app=web", {"app": "web"}, True, id="equals"),
        pytest.param("app==web,tier!=db", {"app": "web", "tier": "db"}, False, id="not-equals"),
        pytest.param("tier in (a, b)", {"tier": "b"}, True, id="in"),
        pytest.param("tier notin (a,b)", {}, True, id="notin-absent"),
        pytest.param("canary", {"canary": ""}, True, id="exists"),
        pytest.param("!canary", {"canary": "x"}, False, id="does-not-exist"),
        pytest.param("", {"x": "y"}, True, id="empty-selects-all"),
        pytest.param(
            "app.kubernetes.io/name=llm-gateway",
            {"app.kubernetes.io/name": "llm-gateway"},
            True,
            id="prefixed-key",
        ),
    ],
)
def test_scale_selector_matching(selector: str, labels: dict[str, str], matches: bool) -> None:
    assert parse_selector(selector).matches(labels) is matches


@pytest.mark.parametrize("selector", ["=web", "tier in (a", "a=b,,c=d", "a b"])
def test_scale_selector_errors(selector: str) -> None:
    with pytest.raises(SelectorError):
        parse_selector(selector)


def test_selector_empty_value_is_valid() -> None:
    assert parse_selector("app=").matches({"app": ""})


def test_go_string_matches_controller_messages() -> None:
    selector = LabelSelector(
        (Requirement("queue", Operator.EQUALS, ("inference",)), Requirement("env", Operator.IN, ("a", "b")))
    )
    assert go_string(selector) == (
        "&LabelSelector{MatchLabels:map[string]string{queue: inference,},"
        "MatchExpressions:[]LabelSelectorRequirement{"
        "LabelSelectorRequirement{Key:env,Operator:In,Values:[a b],},},}"
    )
    assert go_string(None) == "nil"


def test_metav1_label_selector_reads_as_label_selector_as_selector() -> None:
    wire = LabelSelectorWire.model_validate(
        {
            "matchLabels": {"queue": "inference"},
            "matchExpressions": [{"key": "env", "operator": "In", "values": ["b", "a"]}],
        }
    )
    selector = label_selector_from_wire(wire)
    assert selector is not None
    assert str(selector) == "env in (a,b),queue=inference"
    assert selector.match_labels == (("queue", "inference"),)
    assert [str(r) for r in selector.match_expressions] == ["env in (a,b)"]
    back = label_selector_to_wire(selector)
    assert back is not None
    assert back.to_wire() == {
        "matchLabels": {"queue": "inference"},
        "matchExpressions": [{"key": "env", "operator": "In", "values": ["a", "b"]}],
    }
    assert label_selector_from_wire(None) is None
    empty = label_selector_from_wire(LabelSelectorWire())
    assert empty is not None
    assert empty.is_empty


def test_metav1_label_selector_refuses_unknown_operators() -> None:
    with pytest.raises(ValueError, match="operator"):
        LabelSelectorWire.model_validate(
            {"matchExpressions": [{"key": "env", "operator": "Gt", "values": ["1"]}]}
        )

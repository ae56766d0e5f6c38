"""quote_string / escape_regex / escape_replacement: exact encodings and round-trip properties."""

from __future__ import annotations

import ast
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from metrics_adapter.promql import escape_regex, escape_replacement, quote_string


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("", '""', id="empty"),
        pytest.param("plain", '"plain"', id="plain"),
        pytest.param('a"b', '"a\\"b"', id="double-quote"),
        pytest.param("a\\b", '"a\\\\b"', id="backslash"),
        pytest.param("'`", '"\'`"', id="other-quotes-kept"),
        pytest.param("a\nb\rc\td", '"a\\nb\\rc\\td"', id="newline-cr-tab"),
        pytest.param("\a\b\f\v", '"\\a\\b\\f\\v"', id="short-escapes"),
        pytest.param("\x00\x1b\x7f", '"\\x00\\x1b\\x7f"', id="ascii-controls-as-hex"),
        pytest.param("\x85\u2028", '"\\u0085\\u2028"', id="unicode-controls-as-u"),
        pytest.param("\ufffd", '"\\uFFFD"', id="replacement-char-escaped"),
        pytest.param("\U000e0001", '"\\U000e0001"', id="astral-format-char"),
        pytest.param("é日本😀", '"é日本😀"', id="printable-unicode-kept"),
        pytest.param("{}[]()|.*", '"{}[]()|.*"', id="promql-punctuation-kept"),
    ],
)
def test_quote_string(value: str, expected: str) -> None:
    assert quote_string(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("", "", id="empty"),
        pytest.param("abc", "abc", id="plain"),
        pytest.param("a.b", "a\\.b", id="dot"),
        pytest.param("a|b", "a\\|b", id="alternation"),
        pytest.param("^$", "\\^\\$", id="anchors"),
        pytest.param("()[]{}", "\\(\\)\\[\\]\\{\\}", id="brackets"),
        pytest.param("*+?", "\\*\\+\\?", id="quantifiers"),
        pytest.param("\\d", "\\\\d", id="backslash"),
        pytest.param("a b-c/d#e\n", "a b-c/d#e\n", id="no-escape-for-space-dash-hash-newline"),
    ],
)
def test_escape_regex(value: str, expected: str) -> None:
    assert escape_regex(value) == expected


@pytest.mark.parametrize(
    "function",
    [
        pytest.param(quote_string, id="quote_string"),
        pytest.param(escape_regex, id="escape_regex"),
        pytest.param(escape_replacement, id="escape_replacement"),
    ],
)
def test_lone_surrogates_are_refused(function: object) -> None:
    assert callable(function)
    with pytest.raises(ValueError, match="surrogate"):
        function("a\ud800b")


def test_escape_replacement_doubles_dollars() -> None:
    assert escape_replacement("$1 ${x} $$") == "$$1 $${x} $$$$"


# Go string escapes we emit (\\ \" \a \b \f \n \r \t \v \xNN<0x80 \uNNNN \UNNNNNNNN) mean the same
# in Python string literals, so Python's parser can check the round trip offline.
@given(st.text())
def test_quote_string_round_trips_through_a_string_literal_parser(value: str) -> None:
    quoted = quote_string(value)
    assert ast.literal_eval(quoted) == value
    assert "\n" not in quoted
    assert "\ufffd" not in quoted
    assert all(char.isprintable() for char in quoted)


@given(st.text(), st.text())
def test_escaped_regex_matches_exactly_its_value(value: str, other: str) -> None:
    pattern = re.compile(escape_regex(value))
    assert pattern.fullmatch(value) is not None
    assert (pattern.fullmatch(other) is not None) == (other == value)

"""Duration: construction from seconds, rendering and parsing of Prometheus duration text."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from metrics_adapter.promql import Duration


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        pytest.param(30, "30s", id="seconds"),
        pytest.param(300, "5m", id="minutes"),
        pytest.param(120, "2m", id="two-minutes"),
        pytest.param(5400, "1h30m", id="compound"),
        pytest.param(3600, "1h", id="hour"),
        pytest.param(86400, "1d", id="day"),
        pytest.param(30 * 86400, "30d", id="thirty-days-not-weeks"),
        pytest.param(90061.5, "1d1h1m1s500ms", id="every-unit"),
        pytest.param(0.25, "250ms", id="milliseconds"),
        pytest.param(0.001, "1ms", id="one-millisecond"),
    ],
)
def test_render(seconds: float, expected: str) -> None:
    assert Duration(seconds).render() == expected
    assert str(Duration(seconds)) == expected


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        pytest.param("5m", 300, id="minutes"),
        pytest.param("1h30m", 5400, id="compound"),
        pytest.param("2w", 14 * 86400, id="weeks"),
        pytest.param("1y", 365 * 86400, id="year"),
        pytest.param("1s500ms", 1.5, id="seconds-and-ms"),
        pytest.param("90m", 5400, id="overflowing-unit"),
    ],
)
def test_parse(text: str, seconds: float) -> None:
    assert Duration.parse(text) == Duration(seconds)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("5", id="no-unit"),
        pytest.param("5M", id="unknown-unit"),
        pytest.param("30m1h", id="units-out-of-order"),
        pytest.param("1m1m", id="unit-twice"),
        pytest.param("-5m", id="negative"),
        pytest.param("0s", id="zero"),
        pytest.param("1.5h", id="fraction"),
    ],
)
def test_parse_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        Duration.parse(text)


@pytest.mark.parametrize(
    "seconds",
    [
        pytest.param(0, id="zero"),
        pytest.param(-1, id="negative"),
        pytest.param(math.inf, id="infinite"),
        pytest.param(math.nan, id="nan"),
        pytest.param(0.0005, id="below-millisecond"),
        pytest.param(1.0001, id="fractional-millisecond"),
    ],
)
def test_invalid_seconds(seconds: float) -> None:
    with pytest.raises(ValueError, match="duration"):
        Duration(seconds)


def test_constructors_and_order() -> None:
    assert Duration.minutes(5) == Duration(300)
    assert Duration.hours(1) == Duration(3600)
    assert Duration.days(1) == Duration(86400)
    assert Duration(60) < Duration.minutes(2)
    assert Duration(1.5).milliseconds == 1500


@given(st.integers(min_value=1, max_value=10 * 365 * 86_400_000))
def test_render_parse_round_trip(milliseconds: int) -> None:
    duration = Duration(milliseconds / 1000)
    assert duration.milliseconds == milliseconds
    assert Duration.parse(duration.render()) == duration

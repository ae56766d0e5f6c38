"""Windows: Prometheus durations, rolling spans, calendar months and quarters across DST changes."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from slo.window import CalendarUnit, CalendarWindow, RollingWindow, parse_duration_seconds, render_seconds

BERLIN = ZoneInfo("Europe/Berlin")
HOUR = 3600


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        pytest.param("7d", 7 * 86_400, id="7d"),
        pytest.param("14d", 14 * 86_400, id="14d"),
        pytest.param("28d", 28 * 86_400, id="28d"),
        pytest.param("4w", 28 * 86_400, id="4w"),
        pytest.param("30d", 30 * 86_400, id="30d"),
        pytest.param("90d", 90 * 86_400, id="90d"),
        pytest.param("1h30m", 5400, id="compound"),
        pytest.param("5m", 300, id="5m"),
    ],
)
def test_parse_duration_seconds(text: str, seconds: int) -> None:
    assert parse_duration_seconds(text) == seconds


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("30", id="no-unit"),
        pytest.param("1.5h", id="fraction"),
        pytest.param("250ms", id="sub-second"),
        pytest.param("30x", id="bad-unit"),
        pytest.param("", id="empty"),
    ],
)
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - message comes from the duration grammar
        parse_duration_seconds(text)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        pytest.param(300, "5m", id="5m"),
        pytest.param(1800, "30m", id="30m"),
        pytest.param(3600, "1h", id="1h"),
        pytest.param(7200, "2h", id="2h"),
        pytest.param(21_600, "6h", id="6h"),
        pytest.param(86_400, "1d", id="1d"),
        pytest.param(259_200, "3d", id="3d"),
        pytest.param(5400, "1h30m", id="1h30m"),
        pytest.param(150, "2m30s", id="2m30s"),
    ],
)
def test_render_seconds(seconds: int, text: str) -> None:
    assert render_seconds(seconds) == text


def test_rolling_span_ends_at_instant() -> None:
    at = datetime(2024, 3, 31, 12, tzinfo=UTC)
    span = RollingWindow.parse("30d").span(at)
    assert span.start == datetime(2024, 3, 1, 12, tzinfo=UTC)
    assert span.end == at
    assert span.seconds == 30 * 86_400
    assert span.elapsed_fraction == 1.0


def test_rolling_span_needs_aware_instant() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        RollingWindow(86_400).span(datetime(2024, 1, 1))


@pytest.mark.parametrize(
    ("at_utc", "start_utc", "hours"),
    [
        # October 2024 in Berlin: starts 00:00 CEST (22:00 UTC on 30 Sep), ends 00:00 CET (23:00 UTC
        # on 31 Oct); the clocks go back on 27 Oct, so the month has 31*24 + 1 = 745 hours.
        pytest.param(
            datetime(2024, 10, 15, 10, tzinfo=UTC), datetime(2024, 9, 30, 22, tzinfo=UTC), 745, id="oct"
        ),
        # March 2024: 00:00 CET (23:00 UTC on 29 Feb) to 00:00 CEST (22:00 UTC on 31 Mar): 743 hours.
        pytest.param(datetime(2024, 3, 10, tzinfo=UTC), datetime(2024, 2, 29, 23, tzinfo=UTC), 743, id="mar"),
        # A month without a change: June 2024 has 30*24 = 720 hours.
        pytest.param(
            datetime(2024, 6, 1, 12, tzinfo=UTC), datetime(2024, 5, 31, 22, tzinfo=UTC), 720, id="jun"
        ),
        # The start is inclusive: 22:00 UTC on 30 Sep is already October in Berlin.
        pytest.param(
            datetime(2024, 9, 30, 22, tzinfo=UTC), datetime(2024, 9, 30, 22, tzinfo=UTC), 745, id="start"
        ),
        # One second before the end is still October; the end itself belongs to November (720 h).
        pytest.param(
            datetime(2024, 10, 31, 22, 59, 59, tzinfo=UTC),
            datetime(2024, 9, 30, 22, tzinfo=UTC),
            745,
            id="last",
        ),
        pytest.param(
            datetime(2024, 10, 31, 23, tzinfo=UTC), datetime(2024, 10, 31, 23, tzinfo=UTC), 720, id="end"
        ),
    ],
)
def test_calendar_month_in_berlin(at_utc: datetime, start_utc: datetime, hours: int) -> None:
    span = CalendarWindow(CalendarUnit.MONTH, "Europe/Berlin").span(at_utc)
    assert span.start.astimezone(UTC) == start_utc
    assert span.start.astimezone(BERLIN).replace(tzinfo=None).time().hour == 0
    assert span.seconds == hours * HOUR
    assert span.end.astimezone(UTC) == start_utc + timedelta(hours=hours)


def test_elapsed_fraction_counts_the_repeated_hour() -> None:
    # 03:00 CET on 27 Oct 2024 (02:00 UTC) is 26 days + 4 real hours after 00:00 CEST on 1 Oct,
    # because 02:00-03:00 happened twice: 26*24 + 4 = 628 of 745 hours.
    at = datetime(2024, 10, 27, 3, tzinfo=BERLIN)
    span = CalendarWindow(CalendarUnit.MONTH, "Europe/Berlin").span(at)
    assert span.elapsed_seconds == 628 * HOUR
    assert span.elapsed_fraction == pytest.approx(628 / 745)
    assert span.remaining_seconds == 117 * HOUR


@pytest.mark.parametrize(
    ("zone", "at_utc", "start_local", "end_local", "hours"),
    [
        # Q2 2024: April + May + June = 30 + 31 + 30 days.
        pytest.param(
            "UTC", datetime(2024, 5, 10, tzinfo=UTC), (2024, 4, 1), (2024, 7, 1), 91 * 24, id="q2-utc"
        ),
        # Q1 2024 (leap year): 31 + 29 + 31 days.
        pytest.param(
            "UTC", datetime(2024, 1, 1, tzinfo=UTC), (2024, 1, 1), (2024, 4, 1), 91 * 24, id="q1-leap"
        ),
        # Q4 2024 in Berlin: 92 days plus the hour gained on 27 Oct.
        pytest.param(
            "Europe/Berlin",
            datetime(2024, 12, 31, 22, 59, tzinfo=UTC),
            (2024, 10, 1),
            (2025, 1, 1),
            92 * 24 + 1,
            id="q4-berlin-last-minute",
        ),
        # 23:00 UTC on 31 Dec is midnight in Berlin: already Q1 2025 (90 days, minus the March hour).
        pytest.param(
            "Europe/Berlin",
            datetime(2024, 12, 31, 23, tzinfo=UTC),
            (2025, 1, 1),
            (2025, 4, 1),
            90 * 24 - 1,
            id="q1-berlin-first-instant",
        ),
    ],
)
def test_calendar_quarter(
    zone: str,
    at_utc: datetime,
    start_local: tuple[int, int, int],
    end_local: tuple[int, int, int],
    hours: int,
) -> None:
    span = CalendarWindow(CalendarUnit.QUARTER, zone).span(at_utc)
    assert span.start.replace(tzinfo=None) == datetime(*start_local)
    assert span.end.replace(tzinfo=None) == datetime(*end_local)
    assert span.seconds == hours * HOUR


@pytest.mark.parametrize(
    ("unit", "anchor", "at", "start", "end"),
    [
        pytest.param(
            CalendarUnit.QUARTER,
            datetime(2020, 2, 1),
            datetime(2024, 4, 15, tzinfo=UTC),
            datetime(2024, 2, 1),
            datetime(2024, 5, 1),
            id="fiscal-quarter",
        ),
        pytest.param(
            CalendarUnit.MONTH,
            datetime(2024, 1, 15, 12),
            datetime(2024, 3, 10, tzinfo=UTC),
            datetime(2024, 2, 15, 12),
            datetime(2024, 3, 15, 12),
            id="mid-month-anchor",
        ),
        pytest.param(
            CalendarUnit.MONTH,
            datetime(2024, 1, 15, 12),
            datetime(2024, 3, 15, 11, 59, tzinfo=UTC),
            datetime(2024, 2, 15, 12),
            datetime(2024, 3, 15, 12),
            id="just-before-anchor-time",
        ),
        pytest.param(
            CalendarUnit.MONTH,
            datetime(2024, 1, 1),
            datetime(2019, 6, 5, tzinfo=UTC),
            datetime(2019, 6, 1),
            datetime(2019, 7, 1),
            id="before-anchor-year",
        ),
    ],
)
def test_calendar_anchor(
    unit: CalendarUnit, anchor: datetime, at: datetime, start: datetime, end: datetime
) -> None:
    span = CalendarWindow(unit, "UTC", anchor).span(at)
    assert span.start.replace(tzinfo=None) == start
    assert span.end.replace(tzinfo=None) == end


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        pytest.param({"time_zone": "Mars/Olympus"}, "unknown time zone", id="zone"),
        pytest.param({"anchor": datetime(2024, 1, 29)}, "day", id="anchor-day"),
        pytest.param({"anchor": datetime(2024, 1, 1, tzinfo=UTC)}, "wall-clock", id="anchor-zone"),
    ],
)
def test_calendar_rejects(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        CalendarWindow(CalendarUnit.MONTH, **kwargs)  # type: ignore[arg-type]


def test_nominal_periods() -> None:
    assert CalendarWindow(CalendarUnit.MONTH).nominal_seconds == 30 * 86_400
    assert CalendarWindow(CalendarUnit.QUARTER).nominal_seconds == 90 * 86_400
    assert RollingWindow.parse("28d").nominal_seconds == 28 * 86_400
    assert RollingWindow.parse("4w").render() == "28d"

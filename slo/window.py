"""SLO compliance windows: rolling windows of any length and calendar months/quarters in a time zone.

For an instant ``at`` (timezone-aware) a window yields its current :class:`WindowSpan`: ``[start, end)``,
its real length in seconds and the elapsed fraction. Rolling windows always end at ``at`` (fully
elapsed); calendar windows start at local midnight of the first day of a month/quarter and their
length is measured in real (UTC) time, so a Europe/Berlin October is 31*24+1 hours long and March is
31*24-1. Durations use Prometheus syntax (``30d``, ``4w``, ``1h30m``) through the shared PromQL
``Duration`` grammar.

Pure: never reads the clock. Knows nothing about SLIs, budgets or alert rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from metrics_adapter.promql import Duration

__all__ = [
    "CalendarUnit",
    "CalendarWindow",
    "RollingWindow",
    "Window",
    "WindowSpan",
    "parse_duration_seconds",
    "render_seconds",
]

_DAY = 86_400
_NOMINAL_SECONDS = {"month": 30 * _DAY, "quarter": 90 * _DAY}
_MONTHS = {"month": 1, "quarter": 3}


def parse_duration_seconds(text: str) -> int:
    """Parse a Prometheus duration (``5m``, ``30d``, ``1h30m``) into whole seconds.

    Raises ``ValueError`` for malformed text and for sub-second parts.
    """
    seconds = Duration.parse(text.strip()).milliseconds / 1000
    if seconds != int(seconds):
        raise ValueError(f"duration {text!r} is not a whole number of seconds")
    return int(seconds)


def render_seconds(seconds: int) -> str:
    """Render whole seconds in Prometheus syntax with the largest units: 3600 -> ``1h``, 259200 -> ``3d``."""
    return Duration(seconds).render()


def _require_aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"instant must be timezone-aware, got {at.isoformat()}")
    return at.astimezone(UTC)


@dataclass(frozen=True)
class WindowSpan:
    """The window containing an instant: ``[start, end)`` and the instant itself.

    ``start``/``end`` are in the window's zone (UTC for rolling windows). Lengths are real elapsed
    time, computed in UTC so DST changes are counted.
    """

    start: datetime
    end: datetime
    at: datetime

    @property
    def seconds(self) -> float:
        return (self.end.astimezone(UTC) - self.start.astimezone(UTC)).total_seconds()

    @property
    def elapsed_seconds(self) -> float:
        return (self.at.astimezone(UTC) - self.start.astimezone(UTC)).total_seconds()

    @property
    def remaining_seconds(self) -> float:
        return self.seconds - self.elapsed_seconds

    @property
    def elapsed_fraction(self) -> float:
        return self.elapsed_seconds / self.seconds


@dataclass(frozen=True)
class RollingWindow:
    """The last ``seconds`` before an instant (e.g. 30 days)."""

    seconds: int

    def __post_init__(self) -> None:
        if isinstance(self.seconds, bool) or not isinstance(self.seconds, int) or self.seconds <= 0:
            raise ValueError(
                f"rolling window must be a positive whole number of seconds, got {self.seconds!r}"
            )

    @classmethod
    def parse(cls, text: str) -> RollingWindow:
        return cls(parse_duration_seconds(text))

    @property
    def nominal_seconds(self) -> int:
        """The period burn rates and budgets refer to: the window length itself."""
        return self.seconds

    def render(self) -> str:
        return render_seconds(self.seconds)

    def span(self, at: datetime) -> WindowSpan:
        """``[at - length, at)``: a rolling window is always fully elapsed."""
        end = _require_aware(at)
        return WindowSpan(start=end - timedelta(seconds=self.seconds), end=end, at=end)


class CalendarUnit(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"


@dataclass(frozen=True)
class CalendarWindow:
    """Calendar-aligned months or quarters in an IANA time zone.

    ``anchor`` is the local wall-clock start of any one window (default: 1 January 00:00, so quarters
    start in January, April, July and October). Its day must be at most 28 so every month has it.
    """

    unit: CalendarUnit
    time_zone: str = "UTC"
    anchor: datetime = datetime(2000, 1, 1)  # local wall-clock time; the zone is applied per window

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.time_zone!r}") from exc
        if self.anchor.tzinfo is not None:
            raise ValueError("calendar anchor is a local wall-clock time and must not carry a zone")
        if self.anchor.day > 28:
            raise ValueError(f"calendar anchor day must be 1..28, got {self.anchor.day}")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def months(self) -> int:
        return _MONTHS[self.unit]

    @property
    def nominal_seconds(self) -> int:
        """Fixed length used for alerting maths (month 30d, quarter 90d); alerts run on rolling windows."""
        return _NOMINAL_SECONDS[self.unit]

    def render(self) -> str:
        return f"calendar {self.unit} ({self.time_zone})"

    def _local_start(self, index: int) -> datetime:
        """Start of window number ``index`` (0 = the anchor) as a zone-aware local time."""
        month0 = self.anchor.month - 1 + index * self.months
        year, month = self.anchor.year + month0 // 12, month0 % 12 + 1
        return self.anchor.replace(year=year, month=month, tzinfo=self.zone)

    def span(self, at: datetime) -> WindowSpan:
        """The calendar window containing ``at`` (start inclusive, end exclusive)."""
        at_utc = _require_aware(at)
        local = at_utc.astimezone(self.zone)
        months_since_anchor = (local.year - self.anchor.year) * 12 + local.month - self.anchor.month
        index = months_since_anchor // self.months
        while self._local_start(index).astimezone(UTC) > at_utc:
            index -= 1
        while self._local_start(index + 1).astimezone(UTC) <= at_utc:
            index += 1
        return WindowSpan(start=self._local_start(index), end=self._local_start(index + 1), at=local)


Window = RollingWindow | CalendarWindow

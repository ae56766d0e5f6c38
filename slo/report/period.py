"""Which stretch of time a report covers: the SLOs' own windows at an instant, or one calendar month.

``month_span_rule(2026, 10)`` makes every SLO report on October 2026: calendar-window SLOs in their
own time zone, rolling-window SLOs in UTC. The evaluation instant is the month's end (or ``now`` for
the running month, in which case the span is partly elapsed). Pure: ``now`` is an argument.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from ..evaluation import SpanRule
from ..spec.model import SLO
from ..window import CalendarWindow, WindowSpan

__all__ = ["month_end", "month_span_rule", "parse_month"]

_MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse_month(text: str) -> tuple[int, int]:
    """``"2026-10"`` -> ``(2026, 10)``; raises ``ValueError`` otherwise."""
    match = _MONTH.fullmatch(text.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"month must look like 2026-10, got {text!r}")
    return int(match.group(1)), int(match.group(2))


def _zone(slo: SLO) -> ZoneInfo:
    return slo.window.zone if isinstance(slo.window, CalendarWindow) else ZoneInfo("UTC")


def _bounds(slo: SLO, year: int, month: int) -> tuple[datetime, datetime]:
    zone = _zone(slo)
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    return start, end


def month_end(slos: list[SLO] | tuple[SLO, ...], year: int, month: int, *, now: datetime) -> datetime:
    """The evaluation instant: the latest month end over the SLOs' zones, or ``now`` if earlier."""
    ends = [_bounds(slo, year, month)[1].astimezone(UTC) for slo in slos] or [
        datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    ]
    return min(max(ends), now.astimezone(UTC))


def month_span_rule(year: int, month: int) -> SpanRule:
    """A span rule covering ``year-month`` for every SLO, elapsed up to the evaluation instant."""

    def rule(slo: SLO, at: datetime) -> WindowSpan:
        start, end = _bounds(slo, year, month)
        until = min(max(at.astimezone(UTC), start.astimezone(UTC)), end.astimezone(UTC))
        return WindowSpan(start=start, end=end, at=until.astimezone(start.tzinfo))

    return rule

"""OpenSLO durations and time windows: ``duration-shorthand`` (``30d``, ``1M``, ``1Q``) and ``timeWindow``.

Rolling windows take fixed units only (m h d w); ``M``/``Q``/``Y`` have no fixed length and are
accepted for calendar windows as one month or one quarter (``1M``, ``1Q``). A calendar window's
``startTime`` (local, ``YYYY-MM-DD hh:mm:ss``) anchors the months; its day must be at most 28.
"""

from __future__ import annotations

import re
from datetime import datetime

from ..window import CalendarUnit, CalendarWindow, RollingWindow, Window
from .convert import at_field
from .errors import FieldError
from .openslo_schema import TimeWindowModel

__all__ = ["shorthand_seconds", "slice_seconds", "time_window"]

_SHORTHAND = re.compile(r"([1-9][0-9]*)([mhdwMQY])")
_FIXED = {"m": 60, "h": 3600, "d": 86_400, "w": 7 * 86_400}
_CALENDAR = {"1M": CalendarUnit.MONTH, "1Q": CalendarUnit.QUARTER}


def shorthand_seconds(field: str, text: str, *, allow_zero: bool = False) -> int:
    """A fixed-length shorthand (``5m``, ``1h``, ``28d``, ``4w``) in seconds."""
    if allow_zero and re.fullmatch(r"0[mhdw]", text):
        return 0
    match = _SHORTHAND.fullmatch(text.strip())
    if match is None:
        raise FieldError(
            field, f"{text!r} is not a duration shorthand (a positive integer and one of m h d w)"
        )
    if match.group(2) not in _FIXED:
        raise FieldError(field, f"{text!r}: M, Q and Y have no fixed length here; use m, h, d or w")
    return int(match.group(1)) * _FIXED[match.group(2)]


def slice_seconds(field: str, value: int | str) -> int:
    """``timeSliceWindow``: a number of minutes or a shorthand."""
    if isinstance(value, int):
        if value <= 0:
            raise FieldError(field, "must be > 0")
        return value * 60
    return shorthand_seconds(field, value)


def _calendar(model: TimeWindowModel, field: str) -> CalendarWindow:
    unit = _CALENDAR.get(model.duration.strip())
    if unit is None:
        raise FieldError(f"{field}.duration", f"calendar windows support 1M or 1Q, got {model.duration!r}")
    assert model.calendar is not None
    start = model.calendar.start_time
    if isinstance(start, datetime):
        if start.tzinfo is not None:
            raise FieldError(
                f"{field}.calendar.startTime", "must be a local time without offset; see timeZone"
            )
        anchor = start
    else:
        try:
            anchor = datetime.strptime(start.strip(), "%Y-%m-%d %H:%M:%S")
        except ValueError as exc:
            raise FieldError(
                f"{field}.calendar.startTime", f"{start!r} is not 'YYYY-MM-DD hh:mm:ss'"
            ) from exc
    if anchor.day > 28:
        raise FieldError(f"{field}.calendar.startTime", "day of month must be 1..28 so every month has it")
    zone = model.calendar.time_zone
    return at_field(f"{field}.calendar.timeZone", lambda: CalendarWindow(unit, zone, anchor))


def time_window(models: list[TimeWindowModel] | None, *, field: str, default: RollingWindow) -> Window:
    """The SLO's window; ``default`` when ``timeWindow`` is absent (the specification makes it optional)."""
    if not models:
        return default
    model, item = models[0], f"{field}[0]"
    rolling = model.is_rolling if model.is_rolling is not None else model.calendar is None
    if rolling:
        if model.calendar is not None:
            raise FieldError(f"{item}.calendar", "a rolling window has no calendar")
        return RollingWindow(shorthand_seconds(f"{item}.duration", model.duration))
    if model.calendar is None:
        raise FieldError(f"{item}.calendar", "required when isRolling is false")
    return _calendar(model, item)

"""``metav1.Time`` strings: RFC 3339 in UTC with second precision, as Go servers write them.

Go marshals ``metav1.Time`` with ``t.UTC().Format(time.RFC3339)``, which drops fractions of a
second (truncation) and writes ``Z``: ``2026-05-01T10:00:00Z``. Parsing accepts what Kubernetes
clients accept: fractional seconds and numeric offsets. Naive datetimes are refused because
their zone is unknown. This module knows nothing else.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime, timedelta, timezone

__all__ = ["format_time", "parse_time"]

_RFC3339 = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[Tt](?P<time>[0-9]{2}:[0-9]{2}:[0-9]{2})"
    r"(?:\.(?P<fraction>[0-9]+))?(?P<zone>[Zz]|[+-][0-9]{2}:[0-9]{2})"
)


@functools.lru_cache(maxsize=1024)
def format_time(moment: datetime) -> str:
    """``2026-05-01T10:00:00Z`` for an aware datetime; fractions of a second are truncated.

    Cached: the items of one answer share a handful of timestamps.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a metav1.Time needs a timezone-aware datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime:
    """Parse an RFC 3339 timestamp to an aware UTC datetime (microsecond precision)."""
    match = _RFC3339.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not an RFC 3339 timestamp")
    zone = match["zone"]
    if zone in ("Z", "z"):
        tz = UTC
    else:
        sign = -1 if zone[0] == "-" else 1
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
    micros = int((match["fraction"] or "0")[:6].ljust(6, "0"))
    parsed = datetime.fromisoformat(f"{match['date']}T{match['time']}").replace(microsecond=micros, tzinfo=tz)
    return parsed.astimezone(UTC)

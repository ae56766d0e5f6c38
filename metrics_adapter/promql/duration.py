"""PromQL durations: range windows, subquery steps and offsets.

A ``Duration`` is a positive whole number of milliseconds, built from seconds and rendered the way
Prometheus writes durations (``5m``, ``30s``, ``1h30m``, ``1d``, ``250ms``). Weeks and years are
accepted by :meth:`Duration.parse` but never rendered, so a rendered window reads as days at most.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = ["Duration"]

_UNIT_MS = {
    "y": 365 * 86_400_000,
    "w": 7 * 86_400_000,
    "d": 86_400_000,
    "h": 3_600_000,
    "m": 60_000,
    "s": 1_000,
    "ms": 1,
}
_RENDER_UNITS = (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1))
_DURATION_TEXT = re.compile(r"(?:(\d+)(ms|y|w|d|h|m|s))+")
_DURATION_PART = re.compile(r"(\d+)(ms|y|w|d|h|m|s)")


@dataclass(frozen=True, order=True)
class Duration:
    """A positive duration with millisecond resolution, in seconds.

    Raises ``ValueError`` for zero, negative, non-finite values and for values that are not a whole
    number of milliseconds (Prometheus cannot express them).
    """

    seconds: float

    def __post_init__(self) -> None:
        if isinstance(self.seconds, bool) or not isinstance(self.seconds, int | float):
            raise TypeError(f"duration seconds must be a number, got {type(self.seconds).__name__}")
        if not math.isfinite(self.seconds) or self.seconds <= 0:
            raise ValueError(f"duration must be positive and finite, got {self.seconds!r} s")
        millis = self.seconds * 1000
        if abs(millis - round(millis)) > 1e-6 * max(1.0, abs(millis)):
            raise ValueError(f"duration {self.seconds!r} s is not a whole number of milliseconds")

    @classmethod
    def minutes(cls, value: float) -> Duration:
        return cls(value * 60)

    @classmethod
    def hours(cls, value: float) -> Duration:
        return cls(value * 3600)

    @classmethod
    def days(cls, value: float) -> Duration:
        return cls(value * 86400)

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Parse a Prometheus duration such as ``5m``, ``1h30m`` or ``250ms`` (units y w d h m s ms)."""
        if _DURATION_TEXT.fullmatch(text) is None:
            raise ValueError(f"invalid duration {text!r}")
        units = [unit for _, unit in _DURATION_PART.findall(text)]
        order = [list(_UNIT_MS).index(unit) for unit in units]
        if order != sorted(set(order)):
            raise ValueError(f"invalid duration {text!r}: units must appear once, largest first")
        millis = sum(int(amount) * _UNIT_MS[unit] for amount, unit in _DURATION_PART.findall(text))
        return cls(millis / 1000)

    @property
    def milliseconds(self) -> int:
        return round(self.seconds * 1000)

    def render(self) -> str:
        remaining = self.milliseconds
        parts: list[str] = []
        for unit, size in _RENDER_UNITS:
            amount, remaining = divmod(remaining, size)
            if amount:
                parts.append(f"{amount}{unit}")
        return "".join(parts)

    def __str__(self) -> str:
        return self.render()

"""The SLO objective as an exact decimal, and how decimals are printed.

An objective is held as a ``Decimal`` ratio built from its *decimal text* (``"99.9"`` percent becomes
exactly ``0.999``), so the error budget ``1 - objective`` is exactly ``0.001`` and thresholds derived
from it print the way a person wrote them, never ``0.0009999999999999432``. Floats coming from YAML
are converted through their shortest ``repr`` (``99.9`` -> ``"99.9"``) for the same reason.

Knows nothing about windows, SLIs or PromQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = ["Objective", "format_decimal", "to_decimal"]

_HUNDRED = Decimal(100)


def to_decimal(value: str | int | float | Decimal) -> Decimal:
    """Convert a number or its text to a finite ``Decimal`` without binary float noise.

    Raises ``ValueError`` for booleans, non-numbers, NaN and infinities.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation as exc:
            raise ValueError(f"not a number: {value!r}") from exc
    else:
        raise ValueError(f"expected a number, got {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"must be finite, got {value!r}")
    return result


def format_decimal(value: Decimal) -> str:
    """Print a decimal in plain notation without trailing zeros: ``0.001``, ``14.4``, ``6``, ``100``."""
    text = format(value.normalize(), "f")
    return "0" if text in {"-0", "0"} else text


@dataclass(frozen=True)
class Objective:
    """An SLO target as a ratio strictly between 0 and 1 (``Decimal("0.999")`` for 99.9 %).

    Specs write objectives as percents; build with :meth:`from_percent` or :meth:`from_ratio`.
    """

    ratio: Decimal

    def __post_init__(self) -> None:
        if not isinstance(self.ratio, Decimal) or not self.ratio.is_finite():
            raise ValueError(f"objective ratio must be a finite Decimal, got {self.ratio!r}")
        if not 0 < self.ratio < 1:
            raise ValueError(f"objective ratio must be > 0 and < 1, got {format_decimal(self.ratio)}")

    @classmethod
    def from_percent(cls, percent: str | int | float | Decimal) -> Objective:
        """``99.9`` -> ratio ``0.999``; raises ``ValueError`` unless 0 < percent < 100."""
        value = to_decimal(percent)
        if not 0 < value < _HUNDRED:
            raise ValueError(f"must be > 0 and < 100 (a percent), got {format_decimal(value)}")
        return cls(value / _HUNDRED)

    @classmethod
    def from_ratio(cls, ratio: str | int | float | Decimal) -> Objective:
        """``0.999`` -> ratio ``0.999``; raises ``ValueError`` unless 0 < ratio < 1."""
        value = to_decimal(ratio)
        if not 0 < value < 1:
            raise ValueError(f"must be > 0 and < 1 (a ratio), got {format_decimal(value)}")
        return cls(value)

    @property
    def percent(self) -> Decimal:
        return (self.ratio * _HUNDRED).normalize()

    @property
    def error_budget(self) -> Decimal:
        """The allowed error ratio ``1 - objective``, exact (``0.001`` for 99.9 %)."""
        return (1 - self.ratio).normalize()

    def __str__(self) -> str:
        return f"{format_decimal(self.percent)}%"

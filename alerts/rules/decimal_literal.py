"""A PromQL number node that prints a ``Decimal`` exactly as written.

``NumberLiteral`` holds a float; alert thresholds come from exact SLO arithmetic and must read as
it says (``0.0144``, ``0.0009333``), so they are rendered from the ``Decimal`` text. Prometheus
parses that text to the nearest float64, as it would any literal. Knows the promql node base only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from metrics_adapter.promql import Expr

__all__ = ["DecimalLiteral"]


@dataclass(frozen=True)
class DecimalLiteral(Expr):
    value: Decimal

    def __post_init__(self) -> None:
        if not isinstance(self.value, Decimal) or not self.value.is_finite():
            raise ValueError(f"decimal literal needs a finite Decimal, got {self.value!r}")

    def render(self) -> str:
        text = format(self.value.normalize(), "f")
        return "0" if text in ("-0", "0") else text

    def binds_tightly(self) -> bool:
        return self.value >= 0

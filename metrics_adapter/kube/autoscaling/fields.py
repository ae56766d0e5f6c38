"""Field types of the objects the HPA reads: quantity text and Go durations.

``QuantityText`` is a ``resource.Quantity`` field as JSON carries it: a string (``"500m"``,
``"1Gi"``) or a JSON number, trimmed as ``Quantity.UnmarshalJSON`` trims it and checked with
``parse_quantity``; it stays text so that a reader can take ``MilliValue()`` or
``AsApproximateFloat64()`` of exactly what was written. ``parse_go_duration`` reads a Go
``time.Duration`` string (``"30s"``, ``"1m0s"``, ``"15.035s"``), as PodMetrics ``window`` carries.
This module knows nothing of the objects that use these fields.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator

from metrics_adapter.kube.errors import QuantityError
from metrics_adapter.kube.quantity import parse_quantity

__all__ = ["QuantityText", "parse_go_duration"]

_DURATION_PART = re.compile(r"([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)")
_DURATION_UNITS = {
    "ns": Decimal("1e-9"),
    "us": Decimal("1e-6"),
    "µs": Decimal("1e-6"),
    "ms": Decimal("1e-3"),
    "s": Decimal(1),
    "m": Decimal(60),
    "h": Decimal(3600),
}


def _quantity_text(value: Any) -> str:
    if isinstance(value, bool):
        raise ValueError("a quantity must be a string or a number")
    if isinstance(value, int | float):
        value = repr(value) if isinstance(value, float) else str(value)
    if not isinstance(value, str):
        raise ValueError("a quantity must be a string or a number")
    # Quantity.UnmarshalJSON trims surrounding space before ParseQuantity.
    text = value.strip()
    try:
        parse_quantity(text)
    except QuantityError as exc:
        raise ValueError(str(exc)) from exc
    return text


QuantityText = Annotated[str, BeforeValidator(_quantity_text)]


def parse_go_duration(text: str) -> timedelta:
    """A Go ``time.Duration`` string (``"30s"``, ``"1m0s"``, ``"15.035s"``, ``"0s"``)."""
    body = text.strip()
    negative = body.startswith("-")
    body = body.lstrip("+-")
    if body == "0":
        return timedelta(0)
    position, total = 0, Decimal(0)
    for match in _DURATION_PART.finditer(body):
        if match.start() != position:
            break
        total += Decimal(match[1]) * _DURATION_UNITS[match[2]]
        position = match.end()
    if position != len(body) or not body:
        raise ValueError(f"invalid duration {text!r}")
    seconds = -total if negative else total
    return timedelta(microseconds=int((seconds * 1_000_000).to_integral_value()))

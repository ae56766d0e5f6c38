"""Shared pieces of the ``hpa step`` JSON edge: the pydantic base, quantities, times, errors.

Kubernetes objects arrive as ``kubectl get -o json`` prints them, so every model ignores fields it
does not use (``managedFields``, ``uid``, ``resourceVersion``...). Quantities may be strings
(``"500m"``, ``"1Gi"``) or JSON numbers; they are checked here and converted to milli-units by the
callers. Times must carry a zone (RFC 3339). Go durations (``"30s"``, ``"1m0s"``, ``"15.035s"``)
are read for PodMetrics windows.

``InputError`` carries the path of the offending field (``hpa.spec.metrics[0].resource.target``);
``format_validation_error`` turns pydantic's errors into the same form.
This module knows nothing of the algorithm.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic.alias_generators import to_camel

from metrics_adapter.kube import QuantityError, milli_value, parse_quantity

__all__ = [
    "InputError",
    "QuantityText",
    "WireModel",
    "format_path",
    "format_validation_error",
    "parse_go_duration",
    "quantity_milli",
]

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


class InputError(ValueError):
    """An input document that cannot be used; ``str()`` names the field path."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


class WireModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True)


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


def quantity_milli(text: str) -> int:
    """``MilliValue()`` of an already validated quantity string."""
    return milli_value(parse_quantity(text))


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


def format_path(parts: tuple[int | str, ...]) -> str:
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path


def format_validation_error(error: ValidationError, *, prefix: str = "") -> str:
    """One line per problem: ``path: message``."""
    lines = []
    for item in error.errors():
        loc = tuple(
            part for part in item["loc"] if not (isinstance(part, str) and part.startswith("function-"))
        )
        path = format_path(((prefix,) if prefix else ()) + loc)
        message = str(item["msg"]).removeprefix("Value error, ")
        lines.append(f"{path}: {message}" if path else message)
    return "\n".join(lines)

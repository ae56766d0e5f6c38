"""Spec errors that name the SLO and the field: ``slos[2] "llama-latency": sli.thresholdMs: must be > 0``.

:class:`SpecError` carries every :class:`SpecIssue` found in a file. Converters raise
:class:`FieldError` for one field; pydantic's ``ValidationError`` is translated by
:func:`issues_from_validation` into the same short messages.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

__all__ = ["FieldError", "SpecError", "SpecIssue", "issues_from_validation", "join_field", "render_loc"]


@dataclass(frozen=True)
class SpecIssue:
    """One problem: ``where`` names the SLO or document, ``field`` the path inside it."""

    where: str
    field: str
    message: str

    def __str__(self) -> str:
        parts = [self.where, self.field, self.message]
        return ": ".join(part for part in parts if part)


class SpecError(ValueError):
    """A spec file could not be loaded; ``issues`` lists every problem found."""

    def __init__(self, issues: Sequence[SpecIssue]) -> None:
        self.issues = tuple(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))


class FieldError(ValueError):
    """One field of one object is invalid (raised by converters, turned into a :class:`SpecIssue`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message


def join_field(*parts: str) -> str:
    return ".".join(part for part in parts if part).replace(".[", "[")


def render_loc(loc: Iterable[int | str]) -> str:
    """``("slos", 2, "sli", "thresholdMs")`` -> ``slos[2].sli.thresholdMs``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _message(error: Any) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        symbol = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}
        bound = next(iter(ctx.values()))
        return f"must be {symbol[kind]} {bound}"
    if kind == "literal_error" or kind == "enum":
        return f"must be one of {ctx.get('expected', '')}".rstrip()
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length')} item(s)"
    if kind == "too_long":
        return f"must have at most {ctx.get('max_length')} item(s)"
    if kind in {"decimal_parsing", "decimal_type", "float_parsing", "finite_number"}:
        return "must be a finite number"
    if kind in {"int_parsing", "int_from_float"}:
        return "must be an integer"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind in {"string_type", "int_type", "float_type", "bool_type", "dict_type", "list_type"}:
        noun = {
            "string_type": "a string",
            "int_type": "an integer",
            "float_type": "a number",
            "bool_type": "true or false",
            "dict_type": "a mapping",
            "list_type": "a list",
        }[kind]
        return f"must be {noun}"
    message = str(error["msg"])
    return message[:1].lower() + message[1:]


def issues_from_validation(exc: ValidationError, *, where: str, prefix: str = "") -> list[SpecIssue]:
    """Translate pydantic errors into issues located under ``prefix`` (e.g. ``sli``)."""
    issues = []
    for error in exc.errors():
        loc = [part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-"))]
        issues.append(SpecIssue(where, join_field(prefix, render_loc(loc)), _message(error)))
    return issues

"""``ScenarioError`` and the translation of pydantic's errors into messages that name the field.

A message reads ``namespaces[0].models[1].load.stepRps: must be >= 0``: the path uses the YAML's
own keys, list indices in brackets, and leaves out the load profile's ``type`` tag that pydantic
inserts into the location of a discriminated union.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import ValidationError
from pydantic_core import ErrorDetails


class ScenarioError(ValueError):
    """A scenario file could not be read or is invalid. ``issues`` holds one message per problem."""

    def __init__(self, source: str, issues: Sequence[str]) -> None:
        self.source = source
        self.issues = tuple(issues)
        super().__init__(self._render())

    def _render(self) -> str:
        if len(self.issues) == 1:
            return f"invalid scenario {self.source}: {self.issues[0]}"
        lines = "\n".join(f"  - {issue}" for issue in self.issues)
        return f"invalid scenario {self.source}:\n{lines}"


def format_path(loc: Iterable[int | str], *, tags: frozenset[str] = frozenset()) -> str:
    """Render a location as ``a.b[0].c``, dropping union tags that follow a ``load`` key."""
    text = ""
    previous: int | str | None = None
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif previous == "load" and part in tags:
            continue
        else:
            text += f".{part}" if text else part
        previous = part
    return text or "<document>"


def _describe(error: ErrorDetails) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    bounds = {
        "greater_than_equal": (">=", "ge"),
        "greater_than": (">", "gt"),
        "less_than_equal": ("<=", "le"),
        "less_than": ("<", "lt"),
    }
    if kind in bounds:
        symbol, key = bounds[kind]
        bound = ctx.get(key)
        shown = format(bound, "g") if isinstance(bound, int | float) else bound
        return f"must be {symbol} {shown}"
    messages = {
        "missing": "is required",
        "extra_forbidden": "unknown field",
        "int_type": "must be an integer",
        "int_parsing": "must be an integer",
        "int_from_float": "must be an integer",
        "float_type": "must be a number",
        "float_parsing": "must be a number",
        "string_type": "must be a string",
        "list_type": "must be a list",
        "model_type": "must be a mapping",
        "model_attributes_type": "must be a mapping",
    }
    if kind in messages:
        return messages[kind]
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}"
    if kind == "union_tag_invalid":
        return f"must be one of {ctx.get('expected_tags')}, not {ctx.get('tag')!r}"
    if kind == "union_tag_not_found":
        return "is required"
    if kind == "string_pattern_mismatch":
        return f"{error['input']!r} does not match {ctx.get('pattern')}"
    if kind == "too_short":
        return "must not be empty"
    return str(error["msg"])


_TAG_ERRORS = frozenset({"union_tag_invalid", "union_tag_not_found"})


def describe_validation_error(exc: ValidationError, *, tags: frozenset[str]) -> list[str]:
    """One ``path: message`` line per pydantic error, in pydantic's order."""
    lines = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        if error["type"] in _TAG_ERRORS:
            loc = (*loc, "type")
        lines.append(f"{format_path(loc, tags=tags)}: {_describe(error)}")
    return lines

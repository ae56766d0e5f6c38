"""Label matchers (``label="value"``, ``!=``, ``=~``, ``!~``) and their constructors.

A matcher holds the raw label value or regex; escaping happens once, in ``render()``. Knows the
label-name grammar and the literal encoders, nothing about selectors or queries.
"""

from __future__ import annotations

import re as _re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .literal import escape_regex, quote_string
from .names import validate_label_name

__all__ = ["MatchOp", "Matcher", "eq", "literal_regex", "ne", "nre", "re"]


class MatchOp(StrEnum):
    EQ = "="
    NE = "!="
    RE = "=~"
    NRE = "!~"


@dataclass(frozen=True)
class Matcher:
    """One label matcher. For ``=~``/``!~`` ``value`` is an RE2 pattern (Prometheus anchors it)."""

    label: str
    op: MatchOp
    value: str

    def __post_init__(self) -> None:
        validate_label_name(self.label)
        object.__setattr__(self, "op", MatchOp(self.op))
        if not isinstance(self.value, str):
            raise TypeError(f"matcher value must be str, got {type(self.value).__name__}")
        quote_string(self.value)  # rejects values with no UTF-8 form

    def render(self) -> str:
        return f"{self.label}{self.op.value}{quote_string(self.value)}"

    def __str__(self) -> str:
        return self.render()

    def matches_empty(self) -> bool | None:
        """Whether this matcher accepts a missing label (the empty value).

        ``None`` when that cannot be decided here (an RE2 pattern Python's ``re`` cannot compile).
        Prometheus refuses a selector whose matchers all accept the empty value.
        """
        if self.op is MatchOp.EQ:
            return self.value == ""
        if self.op is MatchOp.NE:
            return self.value != ""
        try:
            regex_matches_empty = _re.fullmatch(self.value, "") is not None
        except _re.error:
            return None
        return regex_matches_empty if self.op is MatchOp.RE else not regex_matches_empty


def eq(label: str, value: str) -> Matcher:
    """``label="value"``."""
    return Matcher(label, MatchOp.EQ, value)


def ne(label: str, value: str) -> Matcher:
    """``label!="value"``."""
    return Matcher(label, MatchOp.NE, value)


def re(label: str, pattern: str) -> Matcher:
    """``label=~"pattern"``; ``pattern`` is an RE2 regex, not escaped."""
    return Matcher(label, MatchOp.RE, pattern)


def nre(label: str, pattern: str) -> Matcher:
    """``label!~"pattern"``; ``pattern`` is an RE2 regex, not escaped."""
    return Matcher(label, MatchOp.NRE, pattern)


def literal_regex(label: str, values: Iterable[str], *, negate: bool = False) -> Matcher:
    """``label=~"v1|v2|..."`` matching exactly the given literal values (``!~`` when ``negate``).

    Regex metacharacters in the values are matched literally; duplicates are dropped. Raises
    ``ValueError`` for no values, since an empty pattern would match the empty label, not nothing.
    """
    alternatives = [escape_regex(value) for value in dict.fromkeys(values)]
    if not alternatives:
        raise ValueError(f"literal_regex({label!r}) needs at least one value")
    return Matcher(label, MatchOp.NRE if negate else MatchOp.RE, "|".join(alternatives))

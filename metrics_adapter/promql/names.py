"""Validation of the identifiers PromQL accepts unquoted: label names, metric names, function names.

Knows the identifier grammar of the Prometheus data model and the words the PromQL lexer reserves;
knows nothing about expressions or values.
"""

from __future__ import annotations

import re

__all__ = [
    "is_reserved_word",
    "validate_function_name",
    "validate_label_name",
    "validate_metric_name",
]

_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
_METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")

# Words the PromQL lexer turns into keywords, operators or numbers (case-insensitively). A metric
# with such a name cannot be written bare and is selected through ``{__name__="..."}`` instead.
_RESERVED = frozenset(
    {
        "and",
        "or",
        "unless",
        "atan2",
        "avg",
        "bottomk",
        "count",
        "count_values",
        "group",
        "max",
        "min",
        "quantile",
        "stddev",
        "stdvar",
        "sum",
        "topk",
        "bool",
        "by",
        "group_left",
        "group_right",
        "ignoring",
        "offset",
        "on",
        "without",
        "start",
        "end",
        "inf",
        "nan",
    }
)


def validate_label_name(name: str) -> str:
    """Return ``name`` if it matches ``[a-zA-Z_][a-zA-Z0-9_]*``; raise ``ValueError`` otherwise."""
    if not isinstance(name, str) or _LABEL_NAME.fullmatch(name) is None:
        raise ValueError(f"invalid label name {name!r}: must match [a-zA-Z_][a-zA-Z0-9_]*")
    return name


def validate_metric_name(name: str) -> str:
    """Return ``name`` if it matches ``[a-zA-Z_:][a-zA-Z0-9_:]*``; raise ``ValueError`` otherwise."""
    if not isinstance(name, str) or _METRIC_NAME.fullmatch(name) is None:
        raise ValueError(f"invalid metric name {name!r}: must match [a-zA-Z_:][a-zA-Z0-9_:]*")
    return name


def validate_function_name(name: str) -> str:
    """Return ``name`` if it is a plain identifier usable as a function name; raise ``ValueError``."""
    if not isinstance(name, str) or _LABEL_NAME.fullmatch(name) is None or is_reserved_word(name):
        raise ValueError(f"invalid function name {name!r}")
    return name


def is_reserved_word(name: str) -> bool:
    """True if the PromQL lexer reads ``name`` as a keyword, operator or number, not an identifier."""
    return name.lower() in _RESERVED

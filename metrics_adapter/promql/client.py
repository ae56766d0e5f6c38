"""The ``PrometheusClient`` protocol every consumer depends on, and how its arguments become text.

Implementations: :class:`~.http_client.HttpPrometheusClient` (real) and
:class:`~.fake.FakePrometheus` (tests). Knows nothing about HTTP.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Protocol

from .duration import Duration
from .labels import Labels
from .node import Expr
from .result import InstantVector, Matrix, Scalar

__all__ = ["PrometheusClient", "QueryInput", "TimeInput", "render_query", "to_seconds", "to_unix_seconds"]

QueryInput = Expr | str
TimeInput = float | datetime


class PrometheusClient(Protocol):
    """Read access to Prometheus's query API.

    Every method raises a :class:`~.errors.PrometheusError` subclass on failure; an empty result is
    an empty :class:`InstantVector` / :class:`Matrix` / list, not an error.
    """

    async def query(self, expr: QueryInput, *, at: TimeInput | None = None) -> InstantVector | Scalar:
        """Evaluate ``expr`` at ``at`` (default: Prometheus's now)."""
        ...

    async def query_range(
        self, expr: QueryInput, *, start: TimeInput, end: TimeInput, step: float | Duration
    ) -> Matrix:
        """Evaluate ``expr`` from ``start`` to ``end`` every ``step`` seconds."""
        ...

    async def series(
        self, *selectors: QueryInput, start: TimeInput | None = None, end: TimeInput | None = None
    ) -> list[Labels]:
        """Label sets of the series matching any of ``selectors``."""
        ...


def render_query(expr: QueryInput) -> str:
    """The PromQL text of ``expr``: ``render()`` of a node, or a string as given."""
    if isinstance(expr, Expr):
        return expr.render()
    if isinstance(expr, str):
        if not expr.strip():
            raise ValueError("empty query")
        return expr
    raise TypeError(f"query must be an Expr or str, got {type(expr).__name__}")


def to_unix_seconds(value: TimeInput) -> float:
    """Unix seconds of a float timestamp or a timezone-aware datetime (naive ones are refused)."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"datetime {value.isoformat()} has no timezone")
        return value.timestamp()
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"invalid timestamp {value!r}")
    return float(value)


def to_seconds(step: float | Duration) -> float:
    """Seconds of a step given as a number or a :class:`Duration`; must be positive."""
    seconds = step.seconds if isinstance(step, Duration) else step
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise TypeError(f"step must be seconds or a Duration, got {type(step).__name__}")
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"step must be positive, got {seconds!r}")
    return float(seconds)

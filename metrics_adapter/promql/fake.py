"""``FakePrometheus``: an in-memory :class:`PrometheusClient` for unit tests of other packages.

Responses are programmed per rendered expression (exact text), as a result, an error to raise, or a
callable receiving the :class:`RecordedQuery`. Every call is recorded in ``queries`` before it is
answered, so tests can count and inspect queries. Unprogrammed queries raise
:class:`UnexpectedQueryError` unless the fake is built with ``strict=False`` (then they return an
empty result). Needs no network.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal, TypeAlias, TypeVar

from .client import QueryInput, TimeInput, render_query, to_seconds, to_unix_seconds
from .duration import Duration
from .errors import PrometheusError
from .labels import Labels
from .result import InstantVector, Matrix, Scalar

__all__ = ["FakePrometheus", "RecordedQuery", "UnexpectedQueryError"]

_T = TypeVar("_T")


class UnexpectedQueryError(AssertionError):
    """A query reached a strict :class:`FakePrometheus` that was not programmed for it."""


@dataclass(frozen=True)
class RecordedQuery:
    """One call made to the fake. ``expr`` is the rendered PromQL (selectors joined by ``, ``)."""

    kind: Literal["query", "query_range", "series"]
    expr: str
    at: float | None = None
    start: float | None = None
    end: float | None = None
    step: float | None = None
    selectors: tuple[str, ...] = ()


Response: TypeAlias = _T | PrometheusError | Callable[[RecordedQuery], _T]
InstantResponse = Response[InstantVector | Scalar]
RangeResponse = Response[Matrix]
SeriesResponse = Response[list[Labels]]


class FakePrometheus:
    """Programmable stand-in for :class:`~.http_client.HttpPrometheusClient`."""

    def __init__(self, *, strict: bool = True) -> None:
        self.strict = strict
        self.queries: list[RecordedQuery] = []
        self._instant: dict[str, InstantResponse] = {}
        self._range: dict[str, RangeResponse] = {}
        self._series: dict[tuple[str, ...], SeriesResponse] = {}
        self._any_instant: Callable[[RecordedQuery], InstantVector | Scalar] | None = None
        self._failure: PrometheusError | None = None

    def on_query(self, expr: QueryInput, response: InstantResponse) -> None:
        """Answer instant queries of exactly ``render(expr)`` with ``response``."""
        self._instant[render_query(expr)] = response

    def on_query_range(self, expr: QueryInput, response: RangeResponse) -> None:
        self._range[render_query(expr)] = response

    def on_series(self, selectors: Iterable[QueryInput], response: SeriesResponse) -> None:
        """Answer ``series(*selectors)`` (same selectors, same order)."""
        self._series[tuple(render_query(selector) for selector in selectors)] = response

    def on_any_query(self, responder: Callable[[RecordedQuery], InstantVector | Scalar] | None) -> None:
        """Answer every instant query that has no exact entry by calling ``responder``."""
        self._any_instant = responder

    def fail_with(self, error: PrometheusError | None) -> None:
        """Make every call raise ``error`` (after recording it); ``None`` restores normal answers."""
        self._failure = error

    def count(self, expr: QueryInput) -> int:
        """How many calls were made with exactly this expression."""
        text = render_query(expr)
        return sum(1 for recorded in self.queries if recorded.expr == text)

    async def query(self, expr: QueryInput, *, at: TimeInput | None = None) -> InstantVector | Scalar:
        recorded = RecordedQuery("query", render_query(expr), at=None if at is None else to_unix_seconds(at))
        response = self._instant.get(recorded.expr)
        if response is None and self._any_instant is not None:
            response = self._any_instant
        empty: InstantVector | Scalar = InstantVector()
        return self._answer(recorded, response, empty)

    async def query_range(
        self, expr: QueryInput, *, start: TimeInput, end: TimeInput, step: float | Duration
    ) -> Matrix:
        recorded = RecordedQuery(
            "query_range",
            render_query(expr),
            start=to_unix_seconds(start),
            end=to_unix_seconds(end),
            step=to_seconds(step),
        )
        return self._answer(recorded, self._range.get(recorded.expr), Matrix())

    async def series(
        self, *selectors: QueryInput, start: TimeInput | None = None, end: TimeInput | None = None
    ) -> list[Labels]:
        if not selectors:
            raise ValueError("series() needs at least one selector")
        texts = tuple(render_query(selector) for selector in selectors)
        recorded = RecordedQuery(
            "series",
            ", ".join(texts),
            start=None if start is None else to_unix_seconds(start),
            end=None if end is None else to_unix_seconds(end),
            selectors=texts,
        )
        no_series: list[Labels] = []
        return list(self._answer(recorded, self._series.get(texts), no_series))

    def _answer(self, recorded: RecordedQuery, response: Response[_T] | None, empty: _T) -> _T:
        self.queries.append(recorded)
        if self._failure is not None:
            raise self._failure
        if response is None:
            if self.strict:
                raise UnexpectedQueryError(f"unexpected {recorded.kind}: {recorded.expr}")
            return empty
        if isinstance(response, PrometheusError):
            raise response
        if callable(response):
            return response(recorded)
        return response

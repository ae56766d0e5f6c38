"""Per-SLO time series for report charts: the SLI per step and the error budget burning down.

Two range queries per SLO over the elapsed part of its span (``start + step`` to ``at``), each point
the numerator or the total over the preceding ``step`` (raw ratio SLIs: the error ratio). The step
is the first of a ladder of round durations giving at most :data:`MAX_POINTS` points, and at least
30 s so that every step holds two scrapes even at a 15 s scrape interval; SLIs counted in time
slices use a whole number of slices per step.

Budget remaining after point ``k`` (same maths as :mod:`slo.budget`):
occurrences ``1 - sum(bad[:k]) / (B * total_at / elapsed_fraction)``; timeslices
``1 - sum(bad[:k]) / (B * window / slice)``; raw ratios ``1 - sum(ratio[:k] * step) / (B * window)``.

Knows the SLI source (:func:`slo.sli.sli_source`) and the client protocol; nothing about rendering.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from metrics_adapter.promql import Duration, Expr, Matrix, PrometheusClient, PrometheusError

from ..evaluation import SLOStatus
from ..sli import CountKind, EventQueries, GaugeThreshold, RatioQueries, SlicedEvents, sli_source
from ..spec.model import Timeslices

__all__ = ["MAX_POINTS", "Timeline", "choose_step", "fetch_timelines"]

MAX_POINTS = 240
_LADDER = (30, 60, 300, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)


def choose_step(seconds: float) -> int:
    """The smallest round step giving at most :data:`MAX_POINTS` points over ``seconds``."""
    for step in _LADDER:
        if seconds / step <= MAX_POINTS:
            return step
    return math.ceil(seconds / MAX_POINTS / 86400) * 86400


@dataclass(frozen=True)
class Timeline:
    """Points at ``times`` (Unix seconds); ``sli[i]`` is ``None`` for steps without traffic."""

    step: int
    times: tuple[float, ...]
    sli: tuple[float | None, ...]
    remaining: tuple[float, ...]


def _summed(matrix: Matrix) -> dict[float, float]:
    sums: dict[float, float] = {}
    for series in matrix:
        for ts, value in zip(series.timestamps, series.values, strict=True):
            if math.isfinite(value):
                sums[ts] = sums.get(ts, 0.0) + value
    return sums


async def _range(client: PrometheusClient, expr: Expr, status: SLOStatus, step: int) -> dict[float, float]:
    start = status.span.start + timedelta(seconds=step)
    matrix = await client.query_range(expr, start=start, end=status.at, step=step)
    return _summed(matrix)


def _timeline_from_counts(
    status: SLOStatus,
    queries: EventQueries,
    step: int,
    parts: tuple[dict[float, float], dict[float, float]],
) -> Timeline:
    numerator, totals = parts
    slo, overall = status.slo, status.overall
    assert overall is not None
    natural = queries.natural
    budget = float(slo.objective.error_budget)
    budgeting = slo.budgeting
    if isinstance(budgeting, Timeslices):
        allowed = budget * status.span.seconds / budgeting.slice_seconds
    else:
        expected = (overall.total or 0.0) / max(status.span.elapsed_fraction, 1e-12)
        allowed = budget * expected
    times = tuple(sorted(totals))
    sli: list[float | None] = []
    remaining: list[float] = []
    spent = 0.0
    for ts in times:
        total = max(0.0, totals[ts])
        part = min(max(0.0, numerator.get(ts, 0.0)), total)
        bad = total - part if natural is CountKind.GOOD else part
        sli.append(1 - bad / total if total > 0 else None)
        spent += bad
        remaining.append(1 - spent / allowed if allowed > 0 else 1.0)
    return Timeline(step=step, times=times, sli=tuple(sli), remaining=tuple(remaining))


def _timeline_from_ratio(status: SLOStatus, step: int, ratios: dict[float, float]) -> Timeline:
    budget = float(status.slo.objective.error_budget)
    times = tuple(sorted(ratios))
    spent, remaining = 0.0, []
    for ts in times:
        spent += min(1.0, max(0.0, ratios[ts])) * step
        remaining.append(1 - spent / (budget * status.span.seconds))
    sli = tuple(1 - min(1.0, max(0.0, ratios[ts])) for ts in times)
    return Timeline(step=step, times=times, sli=sli, remaining=tuple(remaining))


async def fetch_timeline(client: PrometheusClient, status: SLOStatus) -> Timeline | None:
    """The SLO's timeline, ``None`` when it has no measurement or nothing elapsed yet."""
    if status.overall is None or status.span.elapsed_seconds < 2:
        return None
    step = choose_step(status.span.elapsed_seconds)
    window = Duration(step)
    queries = sli_source(status.slo)
    if isinstance(queries, RatioQueries):
        return _timeline_from_ratio(
            status, step, await _range(client, queries.error_ratio(window), status, step)
        )
    if isinstance(queries, SlicedEvents | GaugeThreshold):
        slice_seconds = round(queries.slice.seconds)
        step = max(1, math.ceil(step / slice_seconds)) * slice_seconds  # whole slices per step
        window = Duration(step)
    numerator, totals = await asyncio.gather(
        _range(client, queries.numerator(window), status, step),
        _range(client, queries.total(window), status, step),
    )
    return _timeline_from_counts(status, queries, step, (numerator, totals))


async def fetch_timelines(
    client: PrometheusClient,
    statuses: Sequence[SLOStatus],
    *,
    concurrency: int = 4,
    progress: Callable[[SLOStatus], None] | None = None,
) -> dict[str, Timeline | None]:
    """Timelines keyed by SLO id; an SLO whose range queries fail gets ``None`` (the report says so)."""
    semaphore = asyncio.Semaphore(concurrency)

    async def one(status: SLOStatus) -> tuple[str, Timeline | None]:
        async with semaphore:
            try:
                timeline = await fetch_timeline(client, status)
            except PrometheusError:
                timeline = None
        if progress is not None:
            progress(status)
        return status.slo.slo_id, timeline

    return dict(await asyncio.gather(*(one(status) for status in statuses)))

"""Fetching range histories from Prometheus with prometheus-api-client, onto a regular time grid.

The thin I/O layer of backtests and recommendations: ``custom_query_range`` for the samples and
``MetricRangeDataFrame`` for the table, then ``on_grid`` puts the series on the replay grid
(``start + k * step``): samples of a timestamp are filtered by the query's pod pattern, sample-age
parts of staleness-checked queries are dropped, and the rest are summed or averaged; a grid point
without a sample is NaN (never 0). Synchronous, as the library is.

Queries come in typed (``HistoryQuery``, whose ``expr`` is a :mod:`metrics_adapter.promql`
expression) and are rendered here, once, for the library; nothing upstream handles PromQL text.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from prometheus_api_client import MetricRangeDataFrame, PrometheusConnect
from prometheus_api_client.exceptions import PrometheusApiClientException

from autoscaler.simulation.history_query import PART_LABEL, HistoryQuery
from metrics_adapter.promql import Expr

__all__ = ["HistoryFetchError", "HistoryGrid", "PrometheusHistory", "on_grid", "range_frame"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class HistoryGrid:
    start: datetime
    end: datetime
    step: timedelta

    def __post_init__(self) -> None:
        if self.step <= timedelta(0) or self.end <= self.start:
            raise ValueError("a history grid needs start < end and a positive step")

    @property
    def size(self) -> int:
        return int((self.end - self.start) // self.step) + 1

    @property
    def seconds(self) -> FloatArray:
        """Grid times in seconds since ``start``."""
        return np.arange(self.size, dtype=np.float64) * self.step.total_seconds()

    @property
    def step_text(self) -> str:
        return f"{self.step.total_seconds():g}s"


def range_frame(data: list[dict[str, Any]]) -> pd.DataFrame:
    """``MetricRangeDataFrame`` of a range result (float timestamps); an empty frame for no series."""
    if not data:
        return pd.DataFrame(columns=["timestamp", "value"]).set_index("timestamp")
    with warnings.catch_warnings():
        # The library still calls set_index(inplace=True), which pandas deprecates.
        warnings.simplefilter("ignore", category=Warning)
        return MetricRangeDataFrame(data, ts_as_datetime=False)


def on_grid(frame: pd.DataFrame, grid: HistoryGrid, *, query: HistoryQuery) -> FloatArray:
    """The series of ``frame`` (a ``MetricRangeDataFrame`` with float timestamps) combined on the grid."""
    result = np.full(grid.size, np.nan)
    if frame.empty:
        return result
    table = frame.reset_index()
    if PART_LABEL in table.columns:
        table = table[table[PART_LABEL].isna()]
    if query.pod_label is not None and query.pod_pattern is not None:
        if query.pod_label not in table.columns:
            return result
        pattern = query.pod_pattern
        table = table[table[query.pod_label].astype(str).map(lambda name: bool(pattern.match(name)))]
    table = table[np.isfinite(table["value"].astype(float))]
    if table.empty:
        return result
    offsets = (table["timestamp"].astype(float) - grid.start.timestamp()) / grid.step.total_seconds()
    index = np.rint(offsets.to_numpy()).astype(np.int64)
    keep = (index >= 0) & (index < grid.size)
    values = table["value"].astype(float).to_numpy()[keep]
    grouped = pd.Series(values).groupby(index[keep])
    combined = grouped.sum() if query.combine == "sum" else grouped.mean()
    result[combined.index.to_numpy()] = combined.to_numpy()
    return result


class HistoryFetchError(RuntimeError):
    """A range query failed: Prometheus unreachable, an HTTP error, or a query it rejected."""


class PrometheusHistory:
    """Range queries against one Prometheus (``url``), or a given ``PrometheusConnect``."""

    def __init__(self, url: str, *, connect: PrometheusConnect | None = None) -> None:
        self._connect = connect or PrometheusConnect(url=url, disable_ssl=True)

    def frame(self, expr: Expr, grid: HistoryGrid) -> pd.DataFrame:
        """The range result of ``expr`` as a DataFrame (columns: labels, ``timestamp`` in seconds, ``value``).

        Raises :class:`HistoryFetchError` when Prometheus cannot be reached or refuses the query.
        """
        try:
            data = self._connect.custom_query_range(
                expr.render(), start_time=grid.start, end_time=grid.end, step=grid.step_text
            )
        except (PrometheusApiClientException, OSError) as exc:  # requests' errors are OSErrors
            raise HistoryFetchError(str(exc)) from exc
        return range_frame(data)

    def series(self, query: HistoryQuery, grid: HistoryGrid) -> FloatArray:
        """``query`` read on ``grid``: its series filtered and combined as it says."""
        return on_grid(self.frame(query.expr, grid), grid, query=query)

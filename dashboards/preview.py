"""Board previews: one PNG per board, drawn with matplotlib from the panels' real query results.

The page follows the board's grid (24 columns, ``gridPos`` rows; a row repeated over a variable
appears once per value, as in Grafana): a time series panel is a small line chart of its range
queries, a stat, gauge or table panel the latest value of each series in text. Values are shown in
the panel's unit (``percentunit`` as %, ``reqps`` as req/s, ...). A query without data says so; no
value is ever made up. Variables are resolved from Prometheus (:mod:`dashboards.live`).

Knows the board model, the live reading and matplotlib; nothing about the CLI.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from metrics_adapter.promql import InstantVector, PrometheusClient, Scalar

from .board import Board
from .live import PanelResult, PlacedPanel, TimeRange, layout, query_panel, resolve_variables

__all__ = ["PanelView", "draw_board", "format_value", "read_board", "write_preview"]

COLUMNS = 24
INCHES_PER_COLUMN = 0.75
INCHES_PER_GRID_ROW = 0.36
MAX_LINES = 8
LEFT_MARGIN = 0.03
"""Share of the page width left of the grid, for the first column's axis labels."""
_LEGEND_LABEL = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_UNITS = {
    "reqps": (1.0, "req/s"),
    "percentunit": (100.0, "%"),
    "percent": (1.0, "%"),
    "ms": (1.0, "ms"),
    "s": (1.0, "s"),
    "watt": (1.0, "W"),
    "celsius": (1.0, "°C"),
    "decmbytes": (1.0, "MiB"),
    "currencyUSD": (1.0, "USD"),
    "short": (1.0, ""),
}


@dataclass(frozen=True)
class PanelView:
    """A placed panel with what its queries returned (``None`` for a row header)."""

    placed: PlacedPanel
    results: Sequence[PanelResult] | None


def format_value(value: float, unit: str) -> str:
    """``value`` in Grafana's ``unit``: 0.0312 percentunit -> ``3.12 %``; NaN/Inf as they are."""
    scale, suffix = _UNITS.get(unit, (1.0, unit))
    if not math.isfinite(value):
        return str(value)
    shown = value * scale
    magnitude = abs(shown)
    text = f"{shown:.3g}" if magnitude < 1000 else f"{shown:,.0f}"
    return f"{text} {suffix}".strip()


def _legend(template: str, labels: dict[str, str], fallback: str) -> str:
    if not template:
        return fallback
    return _LEGEND_LABEL.sub(lambda m: labels.get(m[1], ""), template).strip() or fallback


async def read_board(board: Board, client: PrometheusClient, time_range: TimeRange) -> list[PanelView]:
    """The board's panels as laid out, each with its queries' results."""
    variables = await resolve_variables(board.model, client, time_range)
    views = []
    for placed in layout(board.model, variables):
        results = None if placed.is_row else await query_panel(client, placed, time_range)
        views.append(PanelView(placed, results))
    return views


def _no_data(ax: Axes) -> None:
    ax.text(
        0.5, 0.45, "No data", ha="center", va="center", fontsize=10, color="#888888", transform=ax.transAxes
    )


def _clock(seconds: float, _: object = None) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%H:%M:%S")


def _draw_series(ax: Axes, results: Sequence[PanelResult], unit: str) -> None:
    scale, suffix = _UNITS.get(unit, (1.0, unit))
    lines, low, high = 0, math.inf, -math.inf
    for result in results:
        for series in result.series.series:
            if lines >= MAX_LINES or not series.values:
                continue
            times = list(series.timestamps)
            label = _legend(result.legend, dict(series.labels), "value")
            values = [v * scale for v in series.values]
            ax.plot(times, values, linewidth=1.2, label=label)
            finite = [v for v in values if math.isfinite(v)]
            low, high = min([low, *finite]), max([high, *finite])
            lines += 1
    if not lines:
        _no_data(ax)
        ax.set_xticks([])
        ax.set_yticks([])
        return
    if 0 <= low <= high:  # a flat or small non-negative series reads best from zero
        top = high * 1.15 if high > 0 else 1.0
        ax.set_ylim(-0.03 * top, top)  # a line at zero stays visible above the axis
    ax.ticklabel_format(axis="y", useOffset=False)
    ax.tick_params(labelsize=7)
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.xaxis.set_major_formatter(FuncFormatter(_clock))
    ax.set_ylabel(suffix, fontsize=7)
    ax.grid(True, linewidth=0.3, alpha=0.6)
    ax.legend(fontsize=6.5, loc="lower left", frameon=True, framealpha=0.7, ncols=2 if lines > 4 else 1)


def _latest(results: Sequence[PanelResult]) -> list[tuple[str, float]]:
    values = []
    for result in results:
        if isinstance(result.instant, Scalar):
            values.append((result.legend or "value", result.instant.value))
        elif isinstance(result.instant, InstantVector):
            for sample in result.instant.samples:
                values.append((_legend(result.legend, dict(sample.labels), "value"), sample.value))
    return values


def _draw_values(ax: Axes, results: Sequence[PanelResult], unit: str) -> None:
    ax.set_xticks([])
    ax.set_yticks([])
    values = _latest(results)
    if not values:
        _no_data(ax)
        return
    big = len(values) <= 2
    for index, (label, value) in enumerate(values[:MAX_LINES]):
        y = 0.8 - index * (0.8 / max(len(values[:MAX_LINES]), 1))
        text = format_value(value, unit)
        if big:
            ax.text(
                0.5,
                y - 0.2,
                text,
                ha="center",
                va="center",
                fontsize=15,
                weight="bold",
                transform=ax.transAxes,
            )
            ax.text(
                0.5,
                y - 0.42,
                label,
                ha="center",
                va="center",
                fontsize=8,
                color="#555555",
                transform=ax.transAxes,
            )
        else:
            ax.text(0.04, y, label, ha="left", va="center", fontsize=7, transform=ax.transAxes)
            ax.text(0.96, y, text, ha="right", va="center", fontsize=7, weight="bold", transform=ax.transAxes)


def draw_board(board: Board, views: Sequence[PanelView], time_range: TimeRange) -> Figure:
    """The board's page: rows as headers, panels at their grid positions."""
    rows = max((v.placed.y + v.placed.height for v in views), default=1) + 2
    figure = Figure(figsize=(COLUMNS * INCHES_PER_COLUMN, rows * INCHES_PER_GRID_ROW))
    FigureCanvasAgg(figure)
    start = datetime.fromtimestamp(time_range.start, UTC).strftime("%Y-%m-%d %H:%M:%S")
    end = datetime.fromtimestamp(time_range.end, UTC).strftime("%H:%M:%S UTC")
    figure.text(0.005, 1 - 0.9 / rows, f"{board.title}   ({start} to {end})", fontsize=12, weight="bold")

    def box(x: int, y: int, width: int, height: int) -> tuple[float, float, float, float]:
        pad_x, pad_y = 0.35 / COLUMNS, 0.9 / rows
        bottom = 1 - (y + 2 + height) / rows
        return (
            LEFT_MARGIN + (x / COLUMNS) * (1 - LEFT_MARGIN) + pad_x,
            bottom + pad_y / 2,
            (width / COLUMNS) * (1 - LEFT_MARGIN) - 2 * pad_x,
            height / rows - pad_y * 1.5,
        )

    for view in views:
        placed = view.placed
        if view.results is None:
            figure.text(
                placed.x / COLUMNS + 0.005,
                1 - (placed.y + 2.8) / rows,
                placed.title,
                fontsize=10,
                weight="bold",
            )
            continue
        ax = figure.add_axes(box(placed.x, placed.y, placed.width, placed.height))
        ax.set_title(placed.title, fontsize=8, loc="left", weight="bold")
        unit = str(placed.panel.get("fieldConfig", {}).get("defaults", {}).get("unit", "short"))
        if placed.panel.get("type") == "timeseries":
            _draw_series(ax, view.results, unit)
        else:
            _draw_values(ax, view.results, unit)
    return figure


def write_preview(board: Board, views: Sequence[PanelView], time_range: TimeRange, out_dir: Path) -> Path:
    """Draw the board and write ``<out_dir>/<uid>.png``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{board.uid}.png"
    draw_board(board, views, time_range).savefig(path, dpi=80)
    return path

"""Report charts as base64 PNG: the error budget burning down and the SLI per step, one pair per SLO.

Uses matplotlib's object API (``Figure`` + Agg canvas): no pyplot, no global backend state, safe in
a server. The burn-down shows the budget left against the even-spending line (1 at the window
start, 0 at its end); the SLI chart shows the SLI per step against the objective.
Knows :class:`~.timeline.Timeline`; nothing about Prometheus.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from datetime import datetime

import numpy as np
import numpy.typing as npt
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..evaluation import SLOStatus
from .timeline import Timeline

__all__ = ["burn_down_png", "sli_png"]

_SIZE = (7.0, 2.4)
_DPI = 80


def _encode(figure: Figure) -> str:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=_DPI, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _times(values: Sequence[float | datetime]) -> npt.NDArray[np.datetime64]:
    """UTC instants as a datetime64 array (matplotlib's date axis)."""
    seconds = [v.timestamp() if isinstance(v, datetime) else v for v in values]
    return np.array([round(ts * 1000) for ts in seconds], dtype="datetime64[ms]")


def burn_down_png(status: SLOStatus, timeline: Timeline) -> str:
    """Base64 PNG of the remaining budget over the window."""
    figure = Figure(figsize=_SIZE)
    axes = figure.add_subplot()
    span = status.span
    axes.plot(
        _times(timeline.times),
        timeline.remaining,
        color="#1f6feb",
        marker=".",
        markersize=3,
        label="budget left",
    )
    axes.plot(
        _times([span.start, span.end]),
        [1, 0],
        color="#999999",
        linestyle="--",
        linewidth=1,
        label="even spend",
    )
    axes.axhline(0, color="#cf222e", linewidth=1)
    axes.set_ylabel("budget left")
    axes.set_title(f"{status.slo.slo_id}: error budget", fontsize=10)
    axes.legend(loc="lower left", fontsize=8)
    axes.grid(alpha=0.3)
    figure.autofmt_xdate()
    return _encode(figure)


def sli_png(status: SLOStatus, timeline: Timeline) -> str:
    """Base64 PNG of the SLI per step; steps without traffic are gaps."""
    figure = Figure(figsize=_SIZE)
    axes = figure.add_subplot()
    values = [float("nan") if value is None else value for value in timeline.sli]
    axes.plot(
        _times(timeline.times),
        values,
        color="#2da44e",
        linewidth=1,
        marker=".",
        markersize=3,
        label=f"SLI per {timeline.step}s",
    )
    axes.axhline(
        float(status.slo.objective.ratio), color="#cf222e", linestyle="--", linewidth=1, label="objective"
    )
    axes.set_ylabel("SLI")
    axes.set_title(f"{status.slo.slo_id}: SLI", fontsize=10)
    axes.legend(loc="lower left", fontsize=8)
    axes.grid(alpha=0.3)
    figure.autofmt_xdate()
    return _encode(figure)

"""Produce an SLO report end to end: evaluate at ``at`` (or over a month), then render JSON, Markdown or
HTML (the HTML adds a burn-down and an SLI chart per SLO from range queries).

Progress is reported through :class:`ReportProgress` (the CLI drives a rich progress bar with it):
first the evaluation's probes, then, for HTML, one step per SLO. Knows evaluation, timelines and the
renderers; nothing about files or terminals.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from metrics_adapter.promql import PrometheusClient

from ..evaluation import BatchSettings, Evaluation, SLOEvaluator, SLOStatus
from ..spec.model import SLO
from .charts import burn_down_png, sli_png
from .document import build_report
from .html import render_html
from .markdown import render_markdown
from .period import month_end, month_span_rule
from .timeline import fetch_timelines

__all__ = ["ReportFormat", "ReportProgress", "evaluate_for_report", "produce_report"]


class ReportFormat(StrEnum):
    JSON = "json"
    MD = "md"
    HTML = "html"


class ReportProgress(Protocol):
    def phase(self, name: str, total: int) -> None:
        """A new phase of ``total`` steps begins."""

    def advance(self, amount: int = 1) -> None:
        """``amount`` more steps of the current phase are done."""


async def _charts(
    client: PrometheusClient, statuses: Sequence[SLOStatus], progress: ReportProgress | None
) -> dict[str, tuple[str, str]]:
    if progress is not None:
        progress.phase("charts", len(statuses))
    timelines = await fetch_timelines(
        client, statuses, progress=None if progress is None else (lambda _: progress.advance())
    )
    by_id = {status.slo.slo_id: status for status in statuses}
    return {
        slo_id: (burn_down_png(by_id[slo_id], timeline), sli_png(by_id[slo_id], timeline))
        for slo_id, timeline in timelines.items()
        if timeline is not None and timeline.times
    }


async def evaluate_for_report(
    slos: Sequence[SLO],
    client: PrometheusClient,
    *,
    at: datetime,
    month: tuple[int, int] | None = None,
    settings: BatchSettings | None = None,
    progress: ReportProgress | None = None,
) -> Evaluation:
    """Evaluate at ``at``; with ``month`` every SLO covers that month, evaluated at its end (or ``at``)."""
    if month is not None:
        evaluator = SLOEvaluator(slos, client, settings=settings, span_rule=month_span_rule(*month))
        at = month_end(tuple(slos), *month, now=at)
    else:
        evaluator = SLOEvaluator(slos, client, settings=settings)
    if progress is not None:
        progress.phase("evaluating", evaluator.probe_count(at))
    return await evaluator.evaluate(at, progress=None if progress is None else progress.advance)


async def produce_report(
    slos: Sequence[SLO],
    client: PrometheusClient,
    *,
    at: datetime,
    fmt: ReportFormat,
    month: tuple[int, int] | None = None,
    settings: BatchSettings | None = None,
    progress: ReportProgress | None = None,
) -> str:
    """The report text. ``at`` is the instant (for ``month``: the latest instant to count, i.e. now)."""
    evaluation = await evaluate_for_report(
        slos, client, at=at, month=month, settings=settings, progress=progress
    )
    document = build_report(evaluation, month=None if month is None else f"{month[0]:04d}-{month[1]:02d}")
    if fmt is ReportFormat.JSON:
        return json.dumps(document.model_dump(mode="json"), indent=2) + "\n"
    if fmt is ReportFormat.MD:
        return render_markdown(document)
    return render_html(document, await _charts(client, evaluation.statuses, progress))

"""``servescale slo``: evaluate SLOs against Prometheus and write reports.

* ``slo status --slos FILE --prometheus-url URL [--at T] [--format table|json]`` evaluates every SLO
  at one instant (all queries use ``time=at``) and prints a table or the JSON of ``/slo/v1/status``;
* ``slo report --slos FILE --prometheus-url URL [--at T | --month 2026-10] --format json|md|html
  --out FILE`` writes a report (HTML with charts), with a progress bar on standard error.

``--at`` is a time as every command reads one (:mod:`servescale.commands.conventions`); default now.
Invalid input exits 2, an unreachable Prometheus exits 1.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from metrics_adapter.promql import HttpPrometheusClient, PrometheusClient, PrometheusConfig, PrometheusError
from servescale.commands.cli_input import check_prometheus_url, load_slo_files
from servescale.commands.conventions import ExitCode, fail, parse_time
from servescale.commands.options import PrometheusUrlOption, SlosOption
from slo.evaluation import BatchSettings, Evaluation, SLOEvaluator, SLOStatus, evaluation_document
from slo.report import ReportFormat, parse_month, produce_report
from slo.report.markdown import format_duration, format_percent
from slo.window import render_seconds

__all__ = ["ClientFactory", "SLOCommands", "register"]

ClientFactory = Callable[[str], AbstractAsyncContextManager[PrometheusClient]]
_T = TypeVar("_T")

AtOption = Annotated[
    str | None,
    typer.Option(
        "--at", help="Evaluation instant: RFC 3339 with a zone, Unix seconds or now-<duration>. Default: now."
    ),
]
BatchOption = Annotated[int, typer.Option("--batch-size", min=1, help="Probes combined into one query.")]
ConcurrencyOption = Annotated[int, typer.Option("--concurrency", min=1, help="Queries in flight at once.")]
StatusFormatOption = Annotated[str, typer.Option("--format", help="table or json.")]
ReportFormatOption = Annotated[ReportFormat, typer.Option("--format", help="json, md or html.")]
ReportOutOption = Annotated[Path, typer.Option("--out", help="File to write.")]
MonthOption = Annotated[str | None, typer.Option("--month", help="Report on a calendar month, e.g. 2026-10.")]


def _progress_bar() -> Progress:
    """The report's progress bar on standard error; off when that is not a terminal."""
    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    return Progress(*columns, console=console, transient=True, disable=not console.is_terminal)


@contextlib.asynccontextmanager
async def http_client(url: str) -> AsyncIterator[PrometheusClient]:
    async with HttpPrometheusClient(PrometheusConfig(base_url=url, timeout_seconds=120)) as client:
        yield client


def _instant(at: str | None) -> datetime:
    """``--at`` (see :func:`parse_time`); now when omitted."""
    now = datetime.now(UTC)
    return now if at is None else parse_time(at, "--at", now=now)


def _run(coroutine: Coroutine[Any, Any, _T]) -> _T:
    try:
        return asyncio.run(coroutine)
    except PrometheusError as exc:
        fail(f"Prometheus: {exc}", ExitCode.FAILED)


def _burns(status: SLOStatus) -> str:
    if status.overall is None:
        return ""
    return " ".join(f"{render_seconds(b.seconds)}:{b.burn_rate:.2f}" for b in status.overall.burn_rates)


def _row(status: SLOStatus) -> list[str]:
    head = [status.slo.slo_id, str(status.slo.objective), status.slo.window.render()]
    measurement = status.overall
    if measurement is None:
        return [*head, "", "", "", "", "", f"[red]error: {status.error}[/red]"]
    budget, step = measurement.budget, measurement.status.step
    events = "no data" if measurement.total is None else f"{measurement.good:,.0f}/{measurement.total:,.0f}"
    state = str(measurement.status.state) + (f": {step.action}" if step is not None else "")
    return [
        *head,
        format_percent(measurement.sli),
        events,
        f"{format_percent(budget.remaining, 1)} ({budget.remaining_minutes:,.1f} min)",
        _burns(status) or f"{budget.burn_rate:.2f}",
        format_duration(measurement.time_to_exhaustion),
        state + (" [bold red]ALERT[/bold red]" if measurement.alerting else ""),
    ]


def status_table(evaluation: Evaluation) -> Table:
    table = Table(title=f"SLO status at {evaluation.at.isoformat()}")
    for column in (
        "SLO",
        "Objective",
        "Window",
        "SLI",
        "Good/total",
        "Budget left",
        "Burn rate",
        "Exhaustion",
        "Policy",
    ):
        table.add_column(column)
    for status in evaluation.statuses:
        table.add_row(*_row(status))
    return table


class _RichProgress:
    """Drives a rich progress bar through the report's phases."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._task: TaskID | None = None

    def phase(self, name: str, total: int) -> None:
        if self._task is not None:
            self._progress.update(self._task, completed=self._progress.tasks[-1].total)
        self._task = self._progress.add_task(name, total=total)

    def advance(self, amount: int = 1) -> None:
        if self._task is not None:
            self._progress.advance(self._task, amount)


class SLOCommands:
    """``slo status`` and ``slo report``, querying Prometheus through ``client_factory``."""

    def __init__(self, client_factory: ClientFactory) -> None:
        self._client_factory = client_factory

    def status(
        self,
        slos: SlosOption,
        prometheus_url: PrometheusUrlOption,
        at: AtOption = None,
        fmt: StatusFormatOption = "table",
        batch_size: BatchOption = 40,
        concurrency: ConcurrencyOption = 4,
    ) -> None:
        """Evaluate every SLO at one instant."""
        if fmt not in ("table", "json"):
            fail(f"--format must be table or json, got {fmt!r}")
        check_prometheus_url(prometheus_url)
        specs, instant = load_slo_files(slos), _instant(at)
        settings = BatchSettings(batch_size=batch_size, concurrency=concurrency)

        async def evaluate() -> Evaluation:
            async with self._client_factory(prometheus_url) as client:
                return await SLOEvaluator(specs, client, settings=settings).evaluate(instant)

        evaluation = _run(evaluate())
        if fmt == "json":
            typer.echo(evaluation_document(evaluation).model_dump_json(by_alias=True, indent=2))
        else:
            Console(width=200).print(status_table(evaluation))

    def report(
        self,
        slos: SlosOption,
        prometheus_url: PrometheusUrlOption,
        out: ReportOutOption,
        fmt: ReportFormatOption = ReportFormat.HTML,
        at: AtOption = None,
        month: MonthOption = None,
        batch_size: BatchOption = 40,
        concurrency: ConcurrencyOption = 4,
    ) -> None:
        """Write a JSON, Markdown or HTML report on every SLO."""
        if at is not None and month is not None:
            fail("give --at or --month, not both")
        try:
            period = None if month is None else parse_month(month)
        except ValueError as exc:
            fail(str(exc))
        check_prometheus_url(prometheus_url)
        specs, instant = load_slo_files(slos), _instant(at)
        settings = BatchSettings(batch_size=batch_size, concurrency=concurrency)

        async def build() -> str:
            with _progress_bar() as bar:
                async with self._client_factory(prometheus_url) as client:
                    return await produce_report(
                        specs, client, at=instant, fmt=fmt, month=period, settings=settings,
                        progress=_RichProgress(bar),
                    )  # fmt: skip

        text = _run(build())
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            fail(f"cannot write {out}: {exc.strerror or exc}")
        typer.echo(str(out))


def register(app: typer.Typer, *, client_factory: ClientFactory = http_client) -> None:
    """Add the ``slo`` command group (``status``, ``report``) to ``app``."""
    slo_app = typer.Typer(
        name="slo", help="Evaluate SLOs against Prometheus; write reports.", no_args_is_help=True
    )
    commands = SLOCommands(client_factory)
    slo_app.command("status")(commands.status)
    slo_app.command("report")(commands.report)
    app.add_typer(slo_app, name="slo")

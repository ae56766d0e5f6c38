"""``servescale dashboards preview``: a PNG per board drawn from its panels' real query results.

``--prometheus-url U --out DIR [--config F --slos F --gpu-price ...] [--from T --to T]``: the boards
of the same inputs as ``export``, their variables resolved from Prometheus (the first value, or all
of a multi-value one), each panel's queries run over the range (default: the last 30 minutes;
``$__rate_interval`` is ``--rate-interval``, 1m unless given) and drawn by :mod:`dashboards.preview`.
Bad input exits 2; Prometheus unreachable or refusing a query exits 1.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from dashboards import Board
from dashboards.live import TimeRange
from dashboards.preview import PanelView, read_board, write_preview
from metrics_adapter.promql import HttpPrometheusClient, PrometheusConfig, PrometheusError
from servescale.commands.conventions import ExitCode, fail, parse_duration, parse_time
from servescale.commands.options import (
    CatalogueFileOption,
    FromOption,
    GpuPriceOption,
    OptionalSlosOption,
    PrometheusUrlOption,
    ToOption,
)

__all__ = ["preview_command"]


async def _read(boards: list[Board], url: str, time_range: TimeRange) -> list[tuple[Board, list[PanelView]]]:
    async with HttpPrometheusClient(PrometheusConfig(url)) as client:
        return [(board, await read_board(board, client, time_range)) for board in boards]


def preview_command(
    prometheus_url: PrometheusUrlOption,
    out: Annotated[Path, typer.Option("--out", help="Directory for the PNG files.")],
    config: CatalogueFileOption = None,
    slos: OptionalSlosOption = None,
    gpu_price: GpuPriceOption = None,
    start: FromOption = "now-30m",
    end: ToOption = "now",
    rate_interval: Annotated[
        str, typer.Option("--rate-interval", help="What Grafana's $__rate_interval stands for, e.g. 1m.")
    ] = "1m",
) -> None:
    """Draw each board as a PNG from what Prometheus answers for its panels."""
    from servescale.commands.dashboards import load_boards

    boards = load_boards(config, slos, gpu_price)
    now = datetime.now(UTC)
    start_s = parse_time(start, "--from", now=now).timestamp()
    end_s = parse_time(end, "--to", now=now).timestamp()
    if not start_s < end_s:
        fail("--from must be before --to")
    interval = parse_duration(rate_interval, "--rate-interval").total_seconds()
    if interval < 1 or interval != int(interval):
        fail(f"--rate-interval must be a whole number of seconds >= 1s, got {rate_interval!r}")
    time_range = TimeRange(start_s, end_s, rate_interval_seconds=int(interval))
    try:
        read = asyncio.run(_read(boards, prometheus_url, time_range))
    except PrometheusError as exc:
        fail(f"Prometheus at {prometheus_url}: {exc}", ExitCode.FAILED)
    except ValueError as exc:
        fail(f"--prometheus-url {prometheus_url!r}: {exc}")
    for board, views in read:
        if not views:
            typer.echo(f"skipped    {board.uid}: the board has no panels for these inputs", err=True)
            continue
        try:
            path = write_preview(board, views, time_range, out)
        except OSError as exc:
            fail(f"--out {out}: cannot write: {exc.strerror or exc}")
        typer.echo(str(path))

"""The demo's terminal table: one row per model, ``-`` where Prometheus has no value."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

from servescale.demo.fleet_summary import ModelFigures


def _fmt(value: float | None, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def figures_table(
    rows: Sequence[ModelFigures], *, title: str, extra: dict[str, dict[tuple[str, str], str]] | None = None
) -> Table:
    """A rich table of ``rows``; ``extra`` adds columns keyed by (namespace, deployment)."""
    table = Table(title=title)
    for column in ("model", "req/s", "p95 ms", "GPU %", "queue", "replicas ready/desired"):
        table.add_column(column, justify="left" if column == "model" else "right")
    for name in extra or {}:
        table.add_column(name, justify="right")
    for row in rows:
        key = (row.namespace, row.deployment)
        replicas = f"{_fmt(row.ready_replicas, '.0f')}/{_fmt(row.desired_replicas, '.0f')}"
        table.add_row(
            f"{row.namespace}/{row.deployment}",
            _fmt(row.requests_per_second, ".1f"),
            _fmt(row.p95_latency_ms, ".0f"),
            _fmt(row.gpu_utilization_percent, ".0f"),
            _fmt(row.queue_depth, ".1f"),
            replicas,
            *((column.get(key, "-")) for column in (extra or {}).values()),
        )
    return table

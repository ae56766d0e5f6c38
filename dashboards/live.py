"""A board read against a live Prometheus as Grafana reads it: variables, repeated rows, queries.

* :func:`resolve_variables`: each query variable ``label_values(<selector>, <label>)`` asked of
  Prometheus (the series API over the time range, earlier variables filled into the selector, values
  sorted as the boards ask); a multi-value variable keeps every value, any other its first.
* :func:`layout`: the board's panels at their grid positions, a row repeated over a variable laid
  out once per value (that value alone in its panels), as Grafana renders it.
* :func:`fill`: a query with Grafana's variables filled in: ``$__rate_interval``, ``$__range``,
  ``$__range_s`` from the :class:`TimeRange`, a single value as it is, several values as Grafana's
  Prometheus data source formats them (``(a|b)``, regex-escaped).

Knows the board model and the adapter's PromQL client protocol; nothing about drawing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from metrics_adapter.promql import InstantVector, Matrix, PrometheusClient, Scalar

from .lint import substitute_variables

__all__ = [
    "PanelResult",
    "PlacedPanel",
    "TimeRange",
    "Variable",
    "fill",
    "layout",
    "query_panel",
    "resolve_variables",
]

_LABEL_VALUES = re.compile(r"^label_values\((?P<selector>.+),\s*(?P<label>[A-Za-z_][A-Za-z0-9_]*)\)$")
_REGEX_SPECIAL = re.compile(r"([\\^$.|?*+()\[\]{}])")


@dataclass(frozen=True)
class TimeRange:
    """The dashboard's range in Unix seconds and the ``$__rate_interval`` its queries get."""

    start: float
    end: float
    rate_interval_seconds: int = 60

    @property
    def seconds(self) -> int:
        return max(1, round(self.end - self.start))

    @property
    def step_seconds(self) -> float:
        """Range-query resolution: about 200 points, never finer than one second."""
        return max(1.0, self.seconds / 200)


@dataclass(frozen=True)
class Variable:
    """A resolved query variable: its values and whether Grafana formats it as a multi-value."""

    name: str
    values: tuple[str, ...]
    multi: bool = False
    options: tuple[str, ...] = ()
    """Every value Prometheus has for it (``values`` is the selection)."""

    def text(self) -> str:
        if not self.multi:
            return self.values[0] if self.values else ""
        return "(" + "|".join(_REGEX_SPECIAL.sub(r"\\\1", value) for value in self.values) + ")"


def fill(expr: str, variables: Mapping[str, Variable], time_range: TimeRange) -> str:
    """``expr`` as Prometheus receives it from Grafana (an unknown variable becomes ``x``)."""
    ranges = {
        "$__rate_interval": f"{time_range.rate_interval_seconds}s",
        "$__range_s": str(time_range.seconds),
        "$__range": f"{time_range.seconds}s",
    }
    for name in sorted(ranges, key=len, reverse=True):
        expr = expr.replace(name, ranges[name])
    return substitute_variables(expr, {name: variable.text() for name, variable in variables.items()})


def _query_variables(model: dict[str, Any]) -> Iterator[tuple[str, str, str, bool]]:
    for variable in model.get("templating", {}).get("list", []):
        if variable.get("type") != "query":
            continue
        match = _LABEL_VALUES.match(str(variable.get("query", "")).strip())
        if match is None:
            raise ValueError(f"variable {variable.get('name')!r}: only label_values(selector, label) is read")
        yield variable["name"], match["selector"], match["label"], bool(variable.get("multi"))


async def resolve_variables(
    model: dict[str, Any],
    client: PrometheusClient,
    time_range: TimeRange,
    *,
    chosen: Mapping[str, str] | None = None,
) -> dict[str, Variable]:
    """Every query variable of the board with the values Prometheus has for it over the range; a
    single-value variable takes its value from ``chosen`` when that is one of them, else the first."""
    resolved: dict[str, Variable] = {}
    for name, selector, label, multi in _query_variables(model):
        series = await client.series(
            fill(selector, resolved, time_range), start=time_range.start, end=time_range.end
        )
        options = tuple(sorted({labels[label] for labels in series if labels.get(label)}))
        pick = (chosen or {}).get(name)
        selected = options if multi else (pick,) if pick in options else options[:1]
        resolved[name] = Variable(name, tuple(str(value) for value in selected), multi, options)
    return resolved


@dataclass(frozen=True)
class PlacedPanel:
    """A panel (or row header) where Grafana draws it, with the variables its queries see."""

    panel: dict[str, Any]
    x: int
    y: int
    width: int
    height: int
    variables: Mapping[str, Variable] = field(hash=False)

    @property
    def is_row(self) -> bool:
        return self.panel.get("type") == "row"

    @property
    def title(self) -> str:
        text = str(self.panel.get("title", ""))
        return re.sub(
            r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?",
            lambda m: ", ".join(self.variables[m[1]].values) if m[1] in self.variables else m[0],
            text,
        )

    def queries(self, time_range: TimeRange) -> list[tuple[str, str]]:
        """``(PromQL, legend format)`` of each target, variables filled in."""
        return [
            (fill(str(target["expr"]), self.variables, time_range), str(target.get("legendFormat", "")))
            for target in self.panel.get("targets", [])
            if target.get("expr")
        ]


def _rows(model: dict[str, Any]) -> list[tuple[dict[str, Any] | None, list[dict[str, Any]]]]:
    rows: list[tuple[dict[str, Any] | None, list[dict[str, Any]]]] = [(None, [])]
    for panel in model.get("panels", []):
        if panel.get("type") == "row":
            rows.append((panel, list(panel.get("panels", []))))
        else:
            rows[-1][1].append(panel)
    return rows


def _place(panel: dict[str, Any], dy: int, variables: Mapping[str, Variable]) -> PlacedPanel:
    grid = panel.get("gridPos", {})
    return PlacedPanel(
        panel, grid.get("x", 0), grid.get("y", 0) + dy, grid.get("w", 12), grid.get("h", 8), variables
    )


def layout(model: dict[str, Any], variables: Mapping[str, Variable]) -> list[PlacedPanel]:
    """Rows and panels top to bottom; a repeated row once per value of its variable."""
    placed: list[PlacedPanel] = []
    shift = 0
    for row, panels in _rows(model):
        repeat = row.get("repeat") if row is not None else None
        members = [row, *panels] if row is not None else panels
        top = min((p.get("gridPos", {}).get("y", 0) for p in members), default=0)
        bottom = max(
            (p.get("gridPos", {}).get("y", 0) + p.get("gridPos", {}).get("h", 0) for p in members), default=0
        )
        copies: Sequence[Mapping[str, Variable]] = [variables]
        if repeat and repeat in variables:
            copies = [{**variables, repeat: Variable(repeat, (value,))} for value in variables[repeat].values]
        for scoped in copies:
            placed.extend(_place(panel, shift, scoped) for panel in members)
            shift += bottom - top
        shift -= bottom - top
    return placed


@dataclass(frozen=True)
class PanelResult:
    """What one query of a panel returned: the latest values and the series over the range."""

    expr: str
    legend: str
    instant: InstantVector | Scalar
    series: Matrix


async def query_panel(
    client: PrometheusClient, placed: PlacedPanel, time_range: TimeRange
) -> list[PanelResult]:
    """Every target of the panel, as an instant query at the range's end and a range query."""
    results = []
    for expr, legend in placed.queries(time_range):
        instant = await client.query(expr, at=time_range.end)
        series = await client.query_range(
            expr, start=time_range.start, end=time_range.end, step=time_range.step_seconds
        )
        results.append(PanelResult(expr, legend, instant, series))
    return results

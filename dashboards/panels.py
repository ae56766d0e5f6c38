"""The panel factory: every panel our boards show, built one way with ``grafana-foundation-sdk``.

A :class:`PanelSpec` names what a panel shows (title, description, unit, queries, kind); the
factory turns it into an SDK builder with the conventions every board keeps: the ``$datasource``
variable on the panel, a unit and a description always (the constructor refuses a panel without),
legend as a table for time series, instant queries for stats and tables. The SDK's own builders
stay behind this module, so an SDK change touches one file.

Grafana variables inside PromQL: :data:`RATE_INTERVAL` and :data:`RANGE` are durations that render
as ``$__rate_interval`` and ``$__range``, so the typed expressions of :mod:`metrics_adapter.promql`
carry them; label values such as ``$namespace`` are ordinary (escaped) label values.

Knows the SDK builders and typed PromQL; nothing about which boards exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from grafana_foundation_sdk.builders import gauge, prometheus, stat, table, timeseries
from grafana_foundation_sdk.builders.common import StackingConfig
from grafana_foundation_sdk.builders.dashboard import DashboardLink
from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.models import dashboard as model
from grafana_foundation_sdk.models.common import StackingMode
from grafana_foundation_sdk.models.prometheus import PromQueryFormat

from metrics_adapter.promql import Duration, Expr

__all__ = [
    "DATASOURCE",
    "RANGE",
    "RANGE_SECONDS",
    "RATE_INTERVAL",
    "GrafanaNumber",
    "GrafanaRange",
    "Kind",
    "PanelSpec",
    "Query",
    "build_panel",
]

DATASOURCE = model.DataSourceRef(type_val="prometheus", uid="${datasource}")


@dataclass(frozen=True)
class GrafanaRange(Duration):
    """A range that Grafana fills in at query time (``$__rate_interval``, ``$__range``).

    ``seconds`` is a nominal value, used only where a number is needed before Grafana substitutes
    the variable; the rendered PromQL always carries the variable.
    """

    variable: str = "__rate_interval"

    def render(self) -> str:
        return f"${self.variable}"


RATE_INTERVAL = GrafanaRange(60, "__rate_interval")
RANGE = GrafanaRange(3600, "__range")


class Kind(StrEnum):
    TIMESERIES = "timeseries"
    STACKED = "stacked"
    STAT = "stat"
    GAUGE = "gauge"
    TABLE = "table"


@dataclass(frozen=True)
class Query:
    expr: Expr | str
    legend: str = ""

    @property
    def promql(self) -> str:
        return self.expr if isinstance(self.expr, str) else self.expr.render()


@dataclass(frozen=True)
class PanelSpec:
    title: str
    description: str
    unit: str
    queries: Sequence[Query]
    kind: Kind = Kind.TIMESERIES
    width: int = 12
    height: int = 8
    min: float | None = None
    max: float | None = None
    links: Sequence[tuple[str, str]] = field(default=())
    """``(title, url)`` data links shown on the panel."""

    def __post_init__(self) -> None:
        if not self.description.strip() or not self.unit.strip():
            raise ValueError(f"panel {self.title!r} needs a description and a unit")
        if not self.queries:
            raise ValueError(f"panel {self.title!r} needs at least one query")


_REF_IDS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _target(query: Query, index: int, *, instant: bool) -> prometheus.Dataquery:
    target = prometheus.Dataquery().expr(query.promql).ref_id(_REF_IDS[index]).datasource(DATASOURCE)
    if query.legend:
        target = target.legend_format(query.legend)
    return target.instant().format(PromQueryFormat.TABLE) if instant else target.range()


def _panel_builder(spec: PanelSpec) -> Any:
    match spec.kind:
        case Kind.TIMESERIES | Kind.STACKED:
            panel: Any = timeseries.Panel().fill_opacity(10 if spec.kind is Kind.TIMESERIES else 60)
            if spec.kind is Kind.STACKED:
                panel = panel.stacking(StackingConfig().mode(StackingMode.NORMAL))
            return panel
        case Kind.STAT:
            return stat.Panel()
        case Kind.GAUGE:
            return gauge.Panel()
        case Kind.TABLE:
            return table.Panel()
    raise ValueError(f"unknown panel kind {spec.kind!r}")


def build_panel(spec: PanelSpec, panel_id: int) -> cogbuilder.Builder[model.Panel]:
    """The SDK builder for ``spec`` with a stable ``panel_id``."""
    instant = spec.kind in (Kind.STAT, Kind.GAUGE, Kind.TABLE)
    panel = (
        _panel_builder(spec)
        .id(panel_id)
        .title(spec.title)
        .description(spec.description)
        .unit(spec.unit)
        .datasource(DATASOURCE)
        .height(spec.height)
        .span(spec.width)
    )
    for index, query in enumerate(spec.queries):
        panel = panel.with_target(_target(query, index, instant=instant))
    if spec.min is not None:
        panel = panel.min(spec.min)
    if spec.max is not None:
        panel = panel.max(spec.max)
    if spec.links:
        panel = panel.links([_link(title, url) for title, url in spec.links])
    built: cogbuilder.Builder[model.Panel] = panel
    return built


def _link(title: str, url: str) -> DashboardLink:
    return DashboardLink(title).type(model.DashboardLinkType.LINK).url(url).include_vars(True).keep_time(True)


@dataclass(frozen=True)
class GrafanaNumber(Expr):
    """A number Grafana fills in at query time, such as ``$__range_s`` (the dashboard range in seconds)."""

    variable: str

    def render(self) -> str:
        return f"${self.variable}"

    def binds_tightly(self) -> bool:
        return True

    def is_bare_subquery_operand(self) -> bool:
        return True


RANGE_SECONDS = GrafanaNumber("__range_s")

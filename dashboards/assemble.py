"""Assemble a :class:`~dashboards.board.Board` from variables, rows of panel specs and board links.

Panel ids are their position on the board (1, 2, ...; rows included), so the same input always
yields the same ids; rows are laid out by the SDK's grid (24 columns). Every board carries the
``$datasource`` variable first, the ``servescale`` tag, and links to the other boards by that tag
(with the time range and variables kept), so serving -> autoscaling -> SLOs keep the model chosen.

Knows the SDK's dashboard builder and the panel factory; nothing about what a board shows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from grafana_foundation_sdk.builders import dashboard as sdk
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import dashboard as model

from .board import TAG, Board
from .panels import DATASOURCE, PanelSpec, build_panel

__all__ = ["BoardSpec", "Row", "Variable", "assemble"]


@dataclass(frozen=True)
class Variable:
    """A query variable: ``label_values(<query>, <label>)`` read from the ``$datasource``."""

    name: str
    label: str
    metric: str
    """The series selector the values come from, e.g. ``kube_deployment_spec_replicas``."""
    all_values: bool = False
    description: str = ""

    @property
    def query(self) -> str:
        return f"label_values({self.metric}, {self.label})"


@dataclass(frozen=True)
class Row:
    title: str
    panels: Sequence[PanelSpec]
    repeat: str | None = None
    """A variable name: Grafana repeats the row for each of its values."""


@dataclass(frozen=True)
class BoardSpec:
    uid: str
    title: str
    description: str
    variables: Sequence[Variable]
    rows: Sequence[Row]
    time_from: str = "now-6h"


def _variable(variable: Variable) -> sdk.QueryVariable:
    built = (
        sdk.QueryVariable(variable.name)
        .label(variable.name)
        .datasource(DATASOURCE)
        .query(variable.query)
        .refresh(model.VariableRefresh.ON_TIME_RANGE_CHANGED)
        .sort(model.VariableSort.ALPHABETICAL_ASC)
    )
    if variable.description:
        built = built.description(variable.description)
    if variable.all_values:
        built = built.multi(True).include_all(True)
    return built


def assemble(spec: BoardSpec) -> Board:
    builder = (
        sdk.Dashboard(spec.title)
        .uid(spec.uid)
        .description(spec.description)
        .tags([TAG])
        .refresh("30s")
        .time(spec.time_from, "now")
        .timezone("browser")
        .editable()
        .with_variable(sdk.DatasourceVariable("datasource").label("Data source").type("prometheus"))
        .link(
            sdk.DashboardLink("ServeScale")
            .type(model.DashboardLinkType.DASHBOARDS)
            .tags([TAG])
            .as_dropdown(True)
            .include_vars(True)
            .keep_time(True)
        )
    )
    for variable in spec.variables:
        builder = builder.with_variable(_variable(variable))
    next_id = 1
    for row in spec.rows:
        row_builder = sdk.Row(row.title).id(next_id)
        if row.repeat is not None:
            row_builder = row_builder.repeat(row.repeat)
        builder = builder.with_row(row_builder)
        next_id += 1
        for panel in row.panels:
            builder = builder.with_panel(build_panel(panel, next_id))
            next_id += 1
    encoded: dict[str, Any] = json.loads(JSONEncoder(sort_keys=True).encode(builder.build()))
    return Board(uid=spec.uid, title=spec.title, model=encoded)

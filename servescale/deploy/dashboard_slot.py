"""The Grafana dashboards of an install: the dashboards package's boards for the catalogue and SLOs,
as sidecar ConfigMaps (label ``grafana_dashboard: "1"``, folder annotation) in the given namespace."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dashboards import BoardInputs, build_boards
from dashboards.export import board_configmaps
from metrics_adapter.catalogue import Catalogue
from slo.spec import SLO

from .slot import DashboardSource

__all__ = ["dashboard_source"]


def dashboard_source(catalogue: Catalogue, slos: Sequence[SLO]) -> DashboardSource:
    """A :data:`DashboardSource` building the boards on demand (only overlays with rules ask).

    Raises ``ValueError`` (the dashboards' own errors) when called on inputs no board can be built from.
    """

    def configmaps(namespace: str) -> Sequence[dict[str, Any]]:
        boards = build_boards(BoardInputs(catalogue=catalogue, slos=tuple(slos)))
        return board_configmaps(boards, namespace=namespace)

    return configmaps

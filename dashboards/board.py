"""A generated Grafana dashboard: its uid, title, folder and JSON model, encoded one way.

Boards are Grafana dashboard models (schemaVersion 42, as ``grafana-foundation-sdk`` builds them)
held as plain JSON-compatible dicts. :meth:`Board.to_json` is the only encoder: sorted keys, two-space
indent, a trailing newline, so the same input always gives the same bytes (golden files, ConfigMaps,
``push``'s change detection and the service's ``/dashboards/v1`` all use it).

Knows nothing about how boards are built or where they go.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FOLDER", "TAG", "Board", "iter_panels", "iter_targets"]

FOLDER = "ServeScale"
"""The Grafana folder every board goes into (file provisioning, sidecar annotation, HTTP API)."""
TAG = "servescale"
"""The tag on every board: dashboard links find the other boards by it."""


@dataclass(frozen=True)
class Board:
    """One dashboard. ``model`` is the dashboard object itself (not the HTTP API envelope)."""

    uid: str
    title: str
    model: dict[str, Any] = field(hash=False)
    folder: str = FOLDER

    @property
    def file_name(self) -> str:
        return f"{self.uid}.json"

    def to_json(self) -> str:
        return json.dumps(self.model, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def iter_panels(model: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every panel of a dashboard model, including panels nested in collapsed rows (rows excluded)."""
    for panel in model.get("panels", []):
        if panel.get("type") == "row":
            yield from panel.get("panels", [])
        else:
            yield panel


def iter_targets(model: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Every ``(panel, target)`` pair with a PromQL ``expr``."""
    for panel in iter_panels(model):
        for target in panel.get("targets", []):
            if "expr" in target:
                yield panel, target

"""Small boards for the export, push and router tests, built by hand until the generated ones land."""

from __future__ import annotations

from typing import Any

from dashboards.board import Board


def sample_board(uid: str, *, title: str | None = None, folder: str = "ServeScale", **extra: Any) -> Board:
    """A minimal schemaVersion-42 dashboard with one Prometheus timeseries panel."""
    title = title or uid.replace("-", " ").title()
    model: dict[str, Any] = {
        "uid": uid,
        "title": title,
        "schemaVersion": 42,
        "tags": ["servescale"],
        "templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus"}]},
        "panels": [
            {
                "id": 1,
                "type": "timeseries",
                "title": "Requests/s",
                "description": "Requests per second — per model",
                "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0},
                "targets": [
                    {
                        "refId": "A",
                        "expr": 'sum(rate(istio_requests_total{namespace="$namespace"}[$__rate_interval]))',
                    }
                ],
            }
        ],
        **extra,
    }
    return Board(uid=uid, title=title, model=model, folder=folder)


def sample_boards() -> list[Board]:
    return [
        sample_board("servescale-serving"),
        sample_board("servescale-slos"),
        sample_board("servescale-gpu-cost"),
    ]

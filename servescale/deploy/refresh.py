"""Rewrite the checked-in ``generated/`` slot of deploy/'s prometheus-operator overlay with the
defaults: no SLOs, the default alerts configuration, the default catalogue's dashboards.

``make deploy-generated`` runs it; a test fails while the checked-in files differ from its output
(after a change to the rules or the dashboards), so that ``kubectl apply -k`` on the overlay installs
what ``deploy render`` would.
"""

from __future__ import annotations

import sys
from pathlib import Path

from alerts.config import AlertsConfig
from metrics_adapter.catalogue import load_config

from .dashboard_slot import dashboard_source
from .render import GENERATED
from .slot import write_generated

__all__ = ["OVERLAY", "main", "write_default_slot"]

OVERLAY = "prometheus-operator"


def write_default_slot(directory: Path) -> list[Path]:
    """Write the default generated objects into ``directory``; the paths written."""
    dashboards = dashboard_source(load_config(None), ())
    return write_generated(directory, slos=(), alerts_config=AlertsConfig(), dashboards=dashboards)


def main(argv: list[str] | None = None) -> None:
    """``python -m servescale.deploy.refresh DEPLOY_DIR``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        raise SystemExit("usage: python -m servescale.deploy.refresh DEPLOY_DIR")
    for path in write_default_slot(Path(args[0]) / "overlays" / OVERLAY / GENERATED):
        print(path)


if __name__ == "__main__":
    main()

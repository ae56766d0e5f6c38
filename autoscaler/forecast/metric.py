"""The forecast as a metric: its name, labels and default horizon, shared by every consumer.

The metrics API serves it as the external metric ``servescale_forecast_requests_per_second``
with labels ``namespace``, ``deployment`` and ``horizon`` (``"195s"``), and as an Object metric of
the same name on the Deployment; simulations and generated HPAs select it by those labels.
"""

from __future__ import annotations

import math

__all__ = ["FORECAST_METRIC", "default_horizon", "horizon_label", "parse_horizon_label"]

FORECAST_METRIC = "servescale_forecast_requests_per_second"


def default_horizon(*, startup_seconds: float, sync_period_seconds: float = 15.0) -> float:
    """Pod start-up time plus one HPA sync period: a pod asked for now serves this far ahead."""
    return startup_seconds + sync_period_seconds


def horizon_label(seconds: float) -> str:
    """Whole seconds, as the ``horizon`` label carries them: ``195s``."""
    return f"{math.ceil(seconds - 1e-9)}s"


def parse_horizon_label(text: str) -> float:
    """Inverse of ``horizon_label``; raises ``ValueError`` for anything else."""
    if not text.endswith("s") or not text[:-1].isdigit():
        raise ValueError(f"horizon {text!r} is not whole seconds such as '195s'")
    return float(text[:-1])

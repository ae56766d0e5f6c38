"""Inputs several subcommands share: SLO spec files and the Prometheus to query.

Each reader exits through :func:`~servescale.commands.conventions.fail` with a message naming the
file or option; it knows nothing of the command that reads it.
"""

from __future__ import annotations

import math
from pathlib import Path

from metrics_adapter.promql import PrometheusConfig
from servescale.commands.conventions import fail
from slo.spec import SLO, SpecError, load_slo_file

__all__ = ["check_prometheus_url", "load_slo_files", "prometheus_config"]


def load_slo_files(paths: list[Path]) -> list[SLO]:
    """Every SLO of ``paths``; a bad or unreadable file exits with a message naming it."""
    slos: list[SLO] = []
    for path in paths:
        try:
            slos.extend(load_slo_file(path))
        except SpecError as exc:
            fail(f"invalid SLO spec:\n{exc}")
        except OSError as exc:
            fail(f"cannot read {path}: {exc.strerror or exc}")
        except UnicodeDecodeError as exc:
            fail(f"cannot read {path}: not UTF-8 text ({exc.reason} at byte {exc.start})")
    return slos


def check_prometheus_url(url: str) -> None:
    """Exit 2 unless ``--prometheus-url`` is an http(s) URL a Prometheus client can use."""
    try:
        PrometheusConfig(base_url=url)
    except ValueError as exc:
        fail(f"--prometheus-url: {exc}")


def prometheus_config(
    url: str, *, timeout_seconds: float = 10.0, tenant: str | None = None, bearer_token: str | None = None
) -> PrometheusConfig:
    """Connection settings from ``--prometheus-url`` (and ``--prometheus-timeout``); exits 2 when unusable."""
    check_prometheus_url(url)
    if not (math.isfinite(timeout_seconds) and timeout_seconds > 0):
        fail(f"--prometheus-timeout must be a finite number of seconds > 0, got {timeout_seconds:g}")
    try:
        return PrometheusConfig(
            base_url=url, timeout_seconds=timeout_seconds, tenant=tenant, bearer_token=bearer_token
        )
    except ValueError as exc:
        fail(f"Prometheus settings: {exc}")

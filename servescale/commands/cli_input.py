"""What every subcommand does with bad input: one exit-code convention and the shared input readers.

Bad input (a config or spec error, a malformed option) exits 2 with ``error: ...`` naming the file,
entry and field or the option; a failed run (Prometheus unreachable, promtool missing, a check that
fails) exits 1. No command lets a traceback through for either.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NoReturn

import typer

from metrics_adapter.promql import Duration, PrometheusConfig
from slo.spec import SLO, SpecError, load_slo_file

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
_RELATIVE = re.compile(r"^now(?:-(?P<ago>.+))?$")


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print ``error: message`` on stderr and exit with ``code`` (2: bad input, 1: failed check)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=code)


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


def parse_duration(text: str, option: str) -> timedelta:
    """A Prometheus duration (``15s``, ``2h``, ``1h30m``); exits with status 2 otherwise."""
    try:
        return timedelta(seconds=Duration.parse(text.strip()).seconds)
    except ValueError as exc:
        fail(f"{option}: {exc}")
    except OverflowError:
        fail(f"{option}: {text!r} is too long")


def parse_time(text: str, option: str, *, now: datetime) -> datetime:
    """RFC 3339, Unix seconds, ``now`` or ``now-<duration>``."""
    match = _RELATIVE.match(text.strip())
    if match:
        ago = parse_duration(match["ago"], option) if match["ago"] else timedelta(0)
        try:
            return now - ago
        except OverflowError:
            fail(f"{option}: {text!r} reaches before year 1")
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        try:
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (ValueError, OverflowError, OSError):
            fail(f"{option}: {text!r} is not a time (Unix seconds out of range)")
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        fail(f"{option}: {text!r} is not RFC 3339, Unix seconds or now-<duration>")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)

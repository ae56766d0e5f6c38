"""The conventions every ``servescale`` subcommand follows: exit codes, errors, times and durations.

Exit codes (one table, :class:`ExitCode`):

* ``0`` (``OK``): done;
* ``1`` (``FAILED``): a failed run: Prometheus, Grafana, promtool or a port out of reach, a check
  that fails;
* ``2`` (``BAD_INPUT``): bad input: a config or spec error (the message names the file, entry and
  field) or a malformed option (the message names the option).

Either way the command prints one ``error: ...`` message on standard error through :func:`fail`,
never a traceback.

Times (``--at``, ``--from``, ``--to``), read by :func:`parse_time`: RFC 3339 with a zone
(``2026-01-01T00:00:00Z``, ``2026-01-01T01:00:00+01:00``), Unix seconds (``1767225600``), ``now``
or ``now-<duration>`` (``now-1h``). A time without a zone is refused rather than guessed.

Durations (``--step``, ``--duration``, ...), read by :func:`parse_duration`: Prometheus durations
(``15s``, ``2h``, ``1h30m``).

This module knows nothing of what a command does, nor of any file format.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from enum import IntEnum
from typing import NoReturn

import typer

__all__ = ["ExitCode", "fail", "parse_duration", "parse_time"]

_RELATIVE = re.compile(r"^now(?:-(?P<ago>.+))?$")
_ZONED_EXAMPLE = "2026-01-01T00:00:00Z"


class ExitCode(IntEnum):
    """What a ``servescale`` process exits with."""

    OK = 0
    FAILED = 1
    BAD_INPUT = 2


def fail(message: str, code: ExitCode = ExitCode.BAD_INPUT) -> NoReturn:
    """Print ``error: message`` on stderr and exit with ``code`` (bad input unless told otherwise)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=code)


def parse_duration(text: str, option: str) -> timedelta:
    """A Prometheus duration (``15s``, ``2h``, ``1h30m``); exits 2 naming ``option`` otherwise."""
    # Imported here, not at the top: --help and --version need neither the promql package nor httpx.
    from metrics_adapter.promql import Duration

    try:
        return timedelta(seconds=Duration.parse(text.strip()).seconds)
    except ValueError as exc:
        fail(f"{option}: {exc}")
    except OverflowError:
        fail(f"{option}: {text!r} is too long")


def parse_time(text: str, option: str, *, now: datetime) -> datetime:
    """RFC 3339 with a zone, Unix seconds, ``now`` or ``now-<duration>``; exits 2 naming ``option``."""
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
        fail(
            f"{option}: {text!r} is neither ISO 8601 with a zone (RFC 3339), Unix seconds, "
            "now nor now-<duration>"
        )
    if parsed.tzinfo is None:
        fail(f"{option}: {text!r} has no time zone; add Z or an offset, e.g. {_ZONED_EXAMPLE}")
    return parsed

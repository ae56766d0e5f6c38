"""What every subcommand does with bad input: one exit-code convention and the SLO file loader."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer

from slo.spec import SLO, SpecError, load_slo_file

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


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
    return slos

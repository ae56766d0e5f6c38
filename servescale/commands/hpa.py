"""``servescale hpa``: run one exact HPA reconcile cycle on a JSON document.

* ``hpa step --input FILE|-`` prints the result document (desired replicas, conditions, metric
  statuses, per-metric proposals, next state) as JSON on stdout;
* ``hpa explain --input FILE|-`` prints the same cycle in plain English.

An unreadable or invalid input exits with status 2 and a message naming the offending field.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from autoscaler.hpa import InputError, explain_step, step_document
from servescale.commands.conventions import fail

__all__ = ["register"]

InputOption = Annotated[
    str, typer.Option("--input", "-i", help="Input document (JSON), or '-' for standard input.")
]


def _source_name(source: str) -> str:
    return "<stdin>" if source == "-" else source


def _read_document(source: str) -> Any:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        fail(f"cannot read {source}: {exc.strerror or exc}")
    except UnicodeDecodeError as exc:
        fail(f"cannot read {_source_name(source)}: not UTF-8 text ({exc.reason} at byte {exc.start})")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        fail(f"{_source_name(source)} is not valid JSON: {exc}")


def _invalid(source: str, exc: InputError) -> str:
    """Every problem of ``exc`` on its own line, prefixed with the input's name."""
    name = _source_name(source)
    return "invalid input:\n" + "\n".join(f"{name}: {line}" for line in str(exc).splitlines() if line)


def step(input_: InputOption) -> None:
    """Run one reconcile cycle and print the result as JSON."""
    document = _read_document(input_)
    try:
        output = step_document(document)
    except InputError as exc:
        fail(_invalid(input_, exc))
    typer.echo(json.dumps(output, indent=2))


def explain(input_: InputOption) -> None:
    """Run one reconcile cycle and explain the decision in plain English."""
    document = _read_document(input_)
    try:
        lines = explain_step(document)
    except InputError as exc:
        fail(_invalid(input_, exc))
    typer.echo("\n".join(lines))


def register(app: typer.Typer) -> None:
    """Add the ``hpa`` command group to ``app``."""
    hpa_app = typer.Typer(
        name="hpa", help="Exact Kubernetes HPA decisions on recorded inputs.", no_args_is_help=True
    )
    hpa_app.command("step")(step)
    hpa_app.command("explain")(explain)
    app.add_typer(hpa_app, name="hpa")

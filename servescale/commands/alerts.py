"""``servescale alerts``: render Prometheus rules, promtool tests and Alertmanager config; check them.

* ``alerts render --slos FILE [--slos FILE ...] [--config FILE] --out DIR [--format rules|prometheusrule]``
  writes SLO rules, autoscaling rules, generated promtool tests and (with an ``alertmanager``
  section in the config) ``alertmanager.yaml``;
* ``alerts test DIR`` runs ``promtool check rules``, ``promtool test rules`` and
  ``amtool check-config`` on what ``render`` wrote, and exits 1 when any of them fails.

Invalid specs or configuration exit with status 2 and a message naming the field; a missing or
unrunnable promtool or amtool exits 1 with one line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alerts.config import AlertsConfig, AlertsConfigError, load_alerts_config
from alerts.promtool.verify import ToolMissingError, verify_directory
from alerts.render import describe_test_inputs, render
from alerts.rules.files import OutputFormat
from servescale.commands.cli_input import load_slo_files
from servescale.commands.conventions import ExitCode, fail
from servescale.commands.options import SlosOption
from slo.sli import UnsupportedSLIError

__all__ = ["register"]


def render_command(
    slos: SlosOption,
    out: Annotated[Path, typer.Option("--out", help="Directory to write the files into.")],
    config: Annotated[Path | None, typer.Option("--config", help="Alerts configuration (YAML).")] = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", help="Plain rule files or PrometheusRule objects.")
    ] = (OutputFormat.RULES),
    tests: Annotated[bool, typer.Option("--tests/--no-tests", help="Also write promtool test files.")] = True,
) -> None:
    """Render rules, promtool tests and Alertmanager configuration for SLO specs."""
    try:
        settings = load_alerts_config(config) if config is not None else AlertsConfig()
    except AlertsConfigError as exc:
        fail(f"invalid alerts config:\n{exc}")
    except UnicodeDecodeError as exc:
        fail(f"cannot read {config}: not UTF-8 text ({exc.reason} at byte {exc.start})")
    specs = load_slo_files(slos)
    try:
        written = render(specs, out_dir=out, config=settings, fmt=fmt, tests=tests)
    except UnsupportedSLIError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"--out {out}: cannot write: {exc.strerror or exc}")
    except ValueError as exc:
        fail(str(exc))
    for path in written:
        typer.echo(str(path))
    if settings.alertmanager is None:
        reason = "no --config given" if config is None else f"{config} has no alertmanager: section"
        typer.echo(f"no alertmanager.yaml written: {reason} (see examples/config/alerts.yaml)", err=True)
    if tests:
        for line in describe_test_inputs(specs, settings):
            typer.echo(line, err=True)


def check_command(
    directory: Annotated[Path, typer.Argument(help="Directory written by `alerts render`.")],
    workers: Annotated[int, typer.Option(help="promtool test processes run at once.")] = 2,
) -> None:
    """Check and unit-test rendered rules with promtool (and amtool); exit 1 on any failure."""
    if not directory.is_dir():
        fail(f"{directory} is not a directory")
    try:
        report = verify_directory(directory, workers=workers)
    except ToolMissingError as exc:
        fail(str(exc), ExitCode.FAILED)
    except OSError as exc:
        fail(f"cannot run {exc.filename or 'promtool/amtool'}: {exc.strerror or exc}", ExitCode.FAILED)
    for run in report.runs:
        status = "ok" if run.ok else f"FAILED (exit {run.returncode})"
        typer.echo(f"{status}: {' '.join((Path(run.command[0]).name, *run.command[1:]))}")
        if not run.ok:
            typer.echo(run.output)
    if not report.ok:
        raise typer.Exit(code=ExitCode.FAILED)


def register(app: typer.Typer) -> None:
    """Add the ``alerts`` command group to ``app``."""
    alerts_app = typer.Typer(
        name="alerts", help="Prometheus rules, promtool tests and Alertmanager routes.", no_args_is_help=True
    )
    alerts_app.command("render")(render_command)
    alerts_app.command("test")(check_command)
    app.add_typer(alerts_app, name="alerts")

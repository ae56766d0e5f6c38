"""``servescale dashboards``: generate the Grafana boards and deliver them.

* ``dashboards export --out DIR [--format json|configmap] [--namespace NS]`` writes the boards for
  Grafana's file provisioning (JSON and a provider file) or as ConfigMaps for the Grafana sidecar;
* ``dashboards push --grafana-url URL [--token-file F]`` creates or updates them through Grafana's
  HTTP API, sending only the boards that changed (token from ``GRAFANA_TOKEN`` or ``--token-file``).

Every subcommand builds the boards from ``--config`` (the catalogue, every preset when omitted),
``--slos`` (repeatable) and ``--gpu-price A100=2.9,...`` through :func:`load_boards`. Bad input exits
2 naming the option or file; Grafana unreachable, or any board it refuses, exits 1.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import httpx
import typer

from dashboards import Board, BoardInputs, build_boards, parse_gpu_prices
from dashboards.export import DEFAULT_DASHBOARDS_PATH, ExportError, write_configmaps, write_provisioning
from dashboards.push import (
    DEFAULT_MESSAGE,
    GrafanaUnreachableError,
    Outcome,
    PushResult,
    grafana_client,
    push_boards,
)
from metrics_adapter.catalogue import CatalogueError, load_config
from servescale.commands.cli_input import load_slo_files
from servescale.commands.conventions import ExitCode, fail
from servescale.commands.options import CatalogueFileOption, GpuPriceOption, OptionalSlosOption
from servescale.settings import SettingsError, read_secret_file

__all__ = ["load_boards", "register"]

TOKEN_ENV = "GRAFANA_TOKEN"
DEFAULT_NAMESPACE = "servescale"
LAST_APPLIED_LIMIT = 256 * 1024
"""Client-side ``kubectl apply`` copies an object into an annotation limited to 256 KiB."""

FolderOption = Annotated[
    str | None, typer.Option("--folder", help="Grafana folder for every board; default: ServeScale.")
]


class ExportFormat(StrEnum):
    JSON = "json"
    CONFIGMAP = "configmap"


def load_boards(
    config: Path | None, slos: list[Path] | None, gpu_price: str | None, *, folder: str | None = None
) -> list[Board]:
    """The boards for the command's inputs; exits 2 naming the file or option that is wrong."""
    try:
        catalogue = load_config(config)
    except CatalogueError as exc:
        fail(f"invalid config:\n{exc}")
    specs = load_slo_files(slos or [])
    try:
        prices = parse_gpu_prices(gpu_price or "")
    except ValueError as exc:
        fail(str(exc))
    if folder is not None and not folder.strip():
        fail("--folder must not be empty")
    try:
        boards = build_boards(BoardInputs(catalogue=catalogue, slos=specs, gpu_prices=prices))
    except ValueError as exc:
        fail(f"cannot build the dashboards: {exc}")
    if folder is None:
        return boards
    return [dataclasses.replace(board, folder=folder) for board in boards]


def export_command(
    out: Annotated[Path, typer.Option("--out", help="Directory to write the files into.")],
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format", help="json: files for Grafana's file provisioning; configmap: sidecar ConfigMaps."
        ),
    ] = ExportFormat.JSON,
    config: CatalogueFileOption = None,
    slos: OptionalSlosOption = None,
    gpu_price: GpuPriceOption = None,
    folder: FolderOption = None,
    namespace: Annotated[
        str | None,
        typer.Option("--namespace", help="Namespace of the ConfigMaps (configmap format); servescale."),
    ] = None,
    dashboards_path: Annotated[
        str,
        typer.Option("--dashboards-path", help="Where Grafana will find the JSON directories (json format)."),
    ] = DEFAULT_DASHBOARDS_PATH,
) -> None:
    """Write the dashboards as files: JSON with a provisioning YAML, or one ConfigMap per board."""
    if namespace is not None and fmt is not ExportFormat.CONFIGMAP:
        fail("--namespace applies to --format configmap only")
    boards = load_boards(config, slos, gpu_price, folder=folder)
    try:
        if fmt is ExportFormat.CONFIGMAP:
            written = write_configmaps(boards, out, namespace=namespace or DEFAULT_NAMESPACE)
        else:
            written = write_provisioning(boards, out, dashboards_path=dashboards_path)
    except ExportError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"--out {out}: cannot write: {exc.strerror or exc}")
    for path in written:
        typer.echo(str(path))
    if fmt is ExportFormat.CONFIGMAP:
        for board in boards:
            size = len(board.to_json().encode("utf-8"))
            if size > LAST_APPLIED_LIMIT:
                typer.echo(
                    f"note: {board.uid} is {size} bytes: apply with `kubectl apply --server-side` "
                    "(client-side apply keeps a copy in an annotation limited to 256 KiB)",
                    err=True,
                )


def push_command(
    grafana_url: Annotated[
        str, typer.Option("--grafana-url", help="Grafana's base URL, e.g. http://grafana:3000.")
    ],
    token_file: Annotated[
        Path | None, typer.Option("--token-file", help=f"File with a Grafana API token; else ${TOKEN_ENV}.")
    ] = None,
    folder: FolderOption = None,
    config: CatalogueFileOption = None,
    slos: OptionalSlosOption = None,
    gpu_price: GpuPriceOption = None,
    message: Annotated[str, typer.Option("--message", help="Version note Grafana keeps.")] = DEFAULT_MESSAGE,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds per HTTP request.")] = 10.0,
) -> None:
    """Create or update the dashboards in Grafana through its HTTP API; unchanged boards are not sent."""
    url = _grafana_url(grafana_url)
    if not timeout > 0 or timeout == float("inf"):
        fail(f"--timeout must be a finite number of seconds > 0, got {timeout:g}")
    token = _token(token_file)
    boards = load_boards(config, slos, gpu_price, folder=folder)
    try:
        results = asyncio.run(
            _push(url, token=token, boards=boards, message=message, timeout_seconds=timeout)
        )
    except GrafanaUnreachableError as exc:
        fail(" ".join(str(exc).split()), ExitCode.FAILED)
    for result in results:
        typer.echo(_result_line(result), err=not result.ok)
    failed = sum(not result.ok for result in results)
    if failed:
        fail(f"{failed} of {len(results)} dashboards were not pushed", ExitCode.FAILED)


async def _push(
    url: str, *, token: str, boards: list[Board], message: str, timeout_seconds: float
) -> list[PushResult]:
    async with grafana_client(url, token=token, timeout_seconds=timeout_seconds) as client:
        return await push_boards(client, boards, message=message)


def _grafana_url(text: str) -> str:
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL as exc:
        fail(f"--grafana-url {text!r}: {exc}")
    if url.scheme not in ("http", "https") or not url.host:
        fail(f"--grafana-url {text!r}: give an http(s) URL with a host, e.g. http://grafana:3000")
    if url.userinfo:
        fail("--grafana-url: put no credentials in the URL; give a token (GRAFANA_TOKEN or --token-file)")
    return text


def _token(token_file: Path | None) -> str:
    """The token of ``--token-file``, else of ``$GRAFANA_TOKEN``; exits 2 when there is none."""
    try:
        token = read_secret_file(token_file, option="--token-file")
    except SettingsError as exc:
        fail(str(exc))
    except UnicodeDecodeError:
        fail(f"--token-file {token_file}: not UTF-8 text")
    if token_file is not None and not token:
        fail(f"--token-file {token_file}: the file is empty")
    token = token or os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        fail(f"no Grafana token: set {TOKEN_ENV} or pass --token-file FILE (a service account token)")
    return token


def _result_line(result: PushResult) -> str:
    if result.outcome is Outcome.FAILED:
        return f"failed     {result.uid}: {result.detail}"
    version = f" (version {result.version})" if result.version is not None else ""
    where = f" {result.detail}" if result.detail else ""
    return f"{result.outcome.value:10s} {result.uid}{version}{where}"


def register(app: typer.Typer) -> None:
    """Add the ``dashboards`` command group to ``app``."""
    dashboards_app = typer.Typer(
        name="dashboards", help="Grafana dashboards: export, push, preview.", no_args_is_help=True
    )
    dashboards_app.command("export")(export_command)
    dashboards_app.command("push")(push_command)
    from servescale.commands.dashboards_preview import preview_command  # it reuses load_boards

    dashboards_app.command("preview")(preview_command)
    app.add_typer(dashboards_app, name="dashboards")

"""Boards as files: Grafana file provisioning (JSON plus a provider YAML) and sidecar ConfigMaps.

File provisioning (``write_provisioning``) writes, under ``out_dir``::

    servescale-dashboards.yaml         the provider file, for /etc/grafana/provisioning/dashboards/
    <folder-dir>/<uid>.json            each board, in one directory per Grafana folder

with one ``providers`` entry per folder whose ``options.path`` is ``<dashboards_path>/<folder-dir>``
(mount ``out_dir`` at ``dashboards_path``). The JSON files are :meth:`Board.to_json`, byte for byte.

ConfigMaps (``board_configmaps``) are for the kube-prometheus-stack Grafana sidecar: one per board,
labelled ``grafana_dashboard: "1"``, the folder in the ``grafana_folder`` annotation (the sidecar's
``folderAnnotation``), the board under the key ``<uid>.json``. Kubernetes refuses a ConfigMap whose
data exceeds 1 MiB, so a larger board is refused here with :class:`BoardTooLargeError` rather than by
the API server at apply time.

Files of boards no longer generated are left in place; nothing here deletes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from .board import Board

__all__ = [
    "CONFIGMAP_MAX_BYTES",
    "DEFAULT_DASHBOARDS_PATH",
    "PROVIDER_FILE",
    "BoardTooLargeError",
    "ExportError",
    "board_configmaps",
    "configmap_name",
    "folder_dir",
    "provisioning_config",
    "write_configmaps",
    "write_provisioning",
]

CONFIGMAP_MAX_BYTES = 1024 * 1024
"""Kubernetes' limit on the total size of a ConfigMap's data values (``v1.MaxSecretSize``), in bytes."""
DEFAULT_DASHBOARDS_PATH = "/var/lib/grafana/dashboards"
"""Where the provider file tells Grafana the board directories are mounted."""
PROVIDER_FILE = "servescale-dashboards.yaml"
SIDECAR_LABEL = "grafana_dashboard"
FOLDER_ANNOTATION = "grafana_folder"
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
_CONFIGMAP_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")


class ExportError(ValueError):
    """A board cannot be written in the asked format; the message names the board and the reason."""


class BoardTooLargeError(ExportError):
    """A board's JSON exceeds what one ConfigMap may hold."""


def folder_dir(folder: str) -> str:
    """The directory name of a Grafana folder title: lower case, runs of other characters as ``-``."""
    slug = re.sub(r"[^a-z0-9]+", "-", folder.lower()).strip("-")
    if not slug:
        raise ExportError(f"folder {folder!r}: needs at least one letter or digit to name its directory")
    return slug


def _by_folder(boards: Sequence[Board]) -> dict[str, list[Board]]:
    """Boards grouped by folder title, in first-seen order; two titles sharing a directory are refused."""
    groups: dict[str, list[Board]] = {}
    dirs: dict[str, str] = {}
    for board in boards:
        directory = folder_dir(board.folder)
        if dirs.setdefault(directory, board.folder) != board.folder:
            raise ExportError(
                f"folders {dirs[directory]!r} and {board.folder!r} would share the directory {directory!r}"
            )
        groups.setdefault(board.folder, []).append(board)
    return groups


def _check_unique(boards: Sequence[Board]) -> None:
    seen: set[str] = set()
    for board in boards:
        if board.uid in seen:
            raise ExportError(f"board uid {board.uid!r} appears twice")
        seen.add(board.uid)


def provisioning_config(
    boards: Sequence[Board], *, dashboards_path: str = DEFAULT_DASHBOARDS_PATH
) -> dict[str, Any]:
    """Grafana's dashboard provider file: one ``file`` provider per folder, edits in the UI refused."""
    providers = [
        {
            "name": folder_dir(folder),
            "orgId": 1,
            "folder": folder,
            "type": "file",
            "disableDeletion": False,
            "allowUiUpdates": False,
            "updateIntervalSeconds": 30,
            "options": {
                "path": f"{dashboards_path.rstrip('/')}/{folder_dir(folder)}",
                "foldersFromFilesStructure": False,
            },
        }
        for folder in _by_folder(boards)
    ]
    return {"apiVersion": 1, "providers": providers}


def write_provisioning(
    boards: Sequence[Board], out_dir: Path, *, dashboards_path: str = DEFAULT_DASHBOARDS_PATH
) -> list[Path]:
    """Write each board's JSON and the provider file under ``out_dir``; returns the paths written.

    Raises :class:`ExportError` for duplicate uids or clashing folder directories (before writing
    anything) and ``OSError`` when ``out_dir`` cannot be written.
    """
    _check_unique(boards)
    groups = _by_folder(boards)
    config = provisioning_config(boards, dashboards_path=dashboards_path)
    written: list[Path] = []
    for folder, members in groups.items():
        directory = out_dir / folder_dir(folder)
        directory.mkdir(parents=True, exist_ok=True)
        for board in members:
            path = directory / board.file_name
            path.write_text(board.to_json(), encoding="utf-8")
            written.append(path)
    provider = out_dir / PROVIDER_FILE
    provider.write_text(_dump_yaml(config), encoding="utf-8")
    written.append(provider)
    return written


def configmap_name(board: Board) -> str:
    """``<uid>-dashboard``; raises :class:`ExportError` when that is not a Kubernetes object name."""
    name = f"{board.uid}-dashboard"
    if len(name) > 253 or not _DNS_SUBDOMAIN.match(name):
        raise ExportError(
            f"board {board.uid!r}: {name!r} is not a valid ConfigMap name "
            "(lower-case letters, digits, '-' and '.', at most 253 characters)"
        )
    return name


def board_configmaps(
    boards: Sequence[Board], *, namespace: str, folder: str | None = None
) -> list[dict[str, Any]]:
    """One ConfigMap per board for the Grafana sidecar, in the order given.

    ``folder`` puts every board into that Grafana folder; ``None`` keeps each board's own. Raises
    :class:`BoardTooLargeError` for a board whose JSON is over :data:`CONFIGMAP_MAX_BYTES` and
    :class:`ExportError` for a uid that cannot name a ConfigMap or its key.
    """
    if not _DNS_SUBDOMAIN.match(namespace) or len(namespace) > 63 or "." in namespace:
        raise ExportError(f"namespace {namespace!r} is not a valid Kubernetes namespace name")
    _check_unique(boards)
    configmaps: list[dict[str, Any]] = []
    for board in boards:
        key = board.file_name
        if not _CONFIGMAP_KEY.match(key):
            raise ExportError(f"board {board.uid!r}: {key!r} is not a valid ConfigMap key")
        text = board.to_json()
        size = len(text.encode("utf-8"))
        if size > CONFIGMAP_MAX_BYTES:
            raise BoardTooLargeError(
                f"board {board.uid!r} is {size} bytes of JSON, over the {CONFIGMAP_MAX_BYTES}-byte "
                "(1 MiB) limit of a ConfigMap: split the board or provision it from files or the HTTP API"
            )
        configmaps.append(
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {
                    "name": configmap_name(board),
                    "namespace": namespace,
                    "labels": {SIDECAR_LABEL: "1", "app.kubernetes.io/name": "servescale"},
                    "annotations": {FOLDER_ANNOTATION: board.folder if folder is None else folder},
                },
                "data": {key: text},
            }
        )
    return configmaps


def write_configmaps(
    boards: Sequence[Board], out_dir: Path, *, namespace: str, folder: str | None = None
) -> list[Path]:
    """Write :func:`board_configmaps` as ``<out_dir>/<name>.yaml``, one file per board; returns the paths.

    Every ConfigMap is built (and checked) before any file is written.
    """
    configmaps = board_configmaps(boards, namespace=namespace, folder=folder)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for configmap in configmaps:
        path = out_dir / f"{configmap['metadata']['name']}.yaml"
        path.write_text(_dump_yaml(configmap), encoding="utf-8")
        written.append(path)
    return written


class _LiteralDumper(yaml.SafeDumper):
    """Multi-line strings (the board JSON) as literal blocks, so the YAML stays readable and diffable."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_LiteralDumper.add_representer(str, _represent_str)


def _dump_yaml(document: dict[str, Any]) -> str:
    return yaml.dump(document, Dumper=_LiteralDumper, sort_keys=True, allow_unicode=True, width=1_000_000)

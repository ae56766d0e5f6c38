"""Load SLO specs from YAML text or files, detecting the format.

- OpenSLO v1: documents with ``apiVersion: openslo/v1`` (multi-document YAML).
- Sloth: ``version: prometheus/v1`` or ``apiVersion: sloth.slok.dev/v1`` (``PrometheusServiceLevel``).
- ServeScale's own format otherwise (a mapping with ``slos:``; ``apiVersion: servescale/v1`` optional).

Sloth specs, and OpenSLO SLOs without a ``timeWindow``, get ``default_period`` (30 days unless given).
Every problem is raised as one :class:`SpecError`; YAML syntax errors included.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..window import RollingWindow
from .errors import SpecError, SpecIssue
from .model import SLO, SpecFormat
from .native import convert_native
from .openslo import convert_openslo, is_openslo
from .sloth import convert_sloth, is_sloth

__all__ = ["DEFAULT_PERIOD", "detect_format", "load_slo_file", "load_slos"]

DEFAULT_PERIOD = RollingWindow(30 * 86_400)


def _documents(text: str) -> list[Any]:
    try:
        return [document for document in yaml.safe_load_all(text) if document is not None]
    except yaml.YAMLError as exc:
        raise SpecError([SpecIssue("", "", f"invalid YAML: {exc}")]) from exc


def detect_format(documents: list[Any]) -> SpecFormat:
    if any(is_openslo(document) for document in documents):
        return SpecFormat.OPENSLO
    if documents and is_sloth(documents[0]):
        return SpecFormat.SLOTH
    return SpecFormat.SERVESCALE


def load_slos(text: str, *, default_period: RollingWindow = DEFAULT_PERIOD) -> tuple[SLO, ...]:
    """Parse every SLO in ``text`` (any supported format); raises :class:`SpecError`."""
    documents = _documents(text)
    if not documents:
        raise SpecError([SpecIssue("", "", "no SLO found: the document is empty")])
    kind = detect_format(documents)
    if kind == SpecFormat.OPENSLO:
        return convert_openslo(documents, period=default_period)
    if len(documents) > 1:
        raise SpecError([SpecIssue("", "", f"a {kind} spec is a single YAML document, got {len(documents)}")])
    if kind == SpecFormat.SLOTH:
        return convert_sloth(documents[0], period=default_period)
    return convert_native(documents[0])


def load_slo_file(path: Path, *, default_period: RollingWindow = DEFAULT_PERIOD) -> tuple[SLO, ...]:
    """Read and parse one spec file; issues are prefixed with the file path."""
    try:
        return load_slos(path.read_text(encoding="utf-8"), default_period=default_period)
    except SpecError as exc:
        raise SpecError(
            [
                SpecIssue(f"{path}: {issue.where}" if issue.where else str(path), issue.field, issue.message)
                for issue in exc.issues
            ]
        ) from exc

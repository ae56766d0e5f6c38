"""Load SLO specs from YAML text or files, detecting the format.

- OpenSLO v1: documents with ``apiVersion: openslo/v1`` (multi-document YAML; a document may also be
  a list of objects, as the OpenSLO SDK reads them).
- Sloth: ``version: prometheus/v1`` or ``apiVersion: sloth.slok.dev/v1`` (``PrometheusServiceLevel``),
  one or several documents (Sloth's multi-file specs); issues then name ``document[N]``.
- ServeScale's own format otherwise (a mapping with ``slos:``; ``apiVersion: servescale/v1`` optional).

Sloth specs, and OpenSLO SLOs without a ``timeWindow``, get ``default_period`` (30 days unless given).
Every problem is raised as one :class:`SpecError`; YAML syntax errors included.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..window import RollingWindow
from .convert import check_unique
from .errors import SpecError, SpecIssue
from .model import SLO, SpecFormat
from .native import convert_native
from .openslo import convert_openslo, is_openslo
from .sloth import convert_sloth, is_sloth

__all__ = ["DEFAULT_PERIOD", "detect_format", "load_slo_file", "load_slos"]

DEFAULT_PERIOD = RollingWindow(30 * 86_400)


def _documents(text: str) -> list[Any]:
    try:
        documents = [document for document in yaml.safe_load_all(text) if document is not None]
    except yaml.YAMLError as exc:
        raise SpecError([SpecIssue("", "", f"invalid YAML: {exc}")]) from exc
    flat: list[Any] = []
    for document in documents:
        is_list = isinstance(document, list)
        flat.extend(document if is_list and any(is_openslo(item) for item in document) else [document])
    return flat


def _sloth_documents(documents: list[Any], *, period: RollingWindow) -> tuple[SLO, ...]:
    if len(documents) == 1:
        return convert_sloth(documents[0], period=period)
    issues: list[SpecIssue] = []
    built: list[tuple[str, SLO]] = []
    for number, document in enumerate(documents):
        where = f"document[{number}]"
        if not is_sloth(document):
            issues.append(SpecIssue(where, "", "not a Sloth spec (every document of the file must be one)"))
            continue
        try:
            built.extend((where, slo) for slo in convert_sloth(document, period=period))
        except SpecError as exc:
            issues.extend(
                SpecIssue(f"{where} {issue.where}".rstrip(), issue.field, issue.message)
                for issue in exc.issues
            )
    issues.extend(check_unique(built))
    if issues:
        raise SpecError(issues)
    return tuple(slo for _, slo in built)


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
    if kind == SpecFormat.SLOTH:
        return _sloth_documents(documents, period=default_period)
    if len(documents) > 1:
        raise SpecError([SpecIssue("", "", f"a {kind} spec is a single YAML document, got {len(documents)}")])
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

"""Reading HorizontalPodAutoscaler manifests (autoscaling/v2) from a YAML or JSON file.

A file holds one HPA, several YAML documents, or a ``kind: List`` of them, as ``kubectl get -o
yaml`` and ``kubectl apply -f`` accept. Each is validated by the same pydantic models as ``hpa
step`` (``metrics_adapter.kube.autoscaling``) and becomes a frozen ``HorizontalPodAutoscaler``. Every problem
is an ``HpaFileError`` naming the document and the field (``hpa[1].spec.maxReplicas: ...``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from autoscaler.hpa import HorizontalPodAutoscaler, InputError
from autoscaler.hpa.step.errors import format_validation_error
from autoscaler.hpa.step.hpa_from_wire import to_hpa
from metrics_adapter.kube.autoscaling import HorizontalPodAutoscalerWire

__all__ = ["HpaFileError", "load_hpa_file", "parse_hpa_documents"]

API_VERSION = "autoscaling/v2"


class HpaFileError(ValueError):
    """An HPA file that cannot be used; the message names the source and the field."""


def _documents(text: str, source: str) -> list[Any]:
    try:
        loaded = [doc for doc in yaml.safe_load_all(text) if doc is not None]
    except yaml.YAMLError as exc:
        raise HpaFileError(f"{source}: not valid YAML or JSON: {exc}") from exc
    documents: list[Any] = []
    for doc in loaded:
        if isinstance(doc, dict) and doc.get("kind") == "List":
            documents.extend(doc.get("items") or [])
        else:
            documents.append(doc)
    return documents


def _one(document: Any, path: str) -> HorizontalPodAutoscaler:
    if not isinstance(document, dict):
        raise InputError(path, "must be a HorizontalPodAutoscaler object")
    if document.get("kind") != "HorizontalPodAutoscaler":
        raise InputError(f"{path}.kind", f"must be HorizontalPodAutoscaler, got {document.get('kind')!r}")
    if document.get("apiVersion") != API_VERSION:
        raise InputError(f"{path}.apiVersion", f"must be {API_VERSION}, got {document.get('apiVersion')!r}")
    try:
        model = HorizontalPodAutoscalerWire.model_validate(document)
    except ValidationError as exc:
        raise InputError("", format_validation_error(exc, prefix=path)) from exc
    hpa = to_hpa(model, path=path)
    if not hpa.name:
        raise InputError(f"{path}.metadata.name", "is required")
    return hpa


def parse_hpa_documents(text: str, *, source: str = "<hpa>") -> tuple[HorizontalPodAutoscaler, ...]:
    """Every HPA in ``text`` (YAML or JSON); at least one."""
    documents = _documents(text, source)
    if not documents:
        raise HpaFileError(f"{source}: no HorizontalPodAutoscaler found")
    hpas = []
    for index, document in enumerate(documents):
        try:
            hpas.append(_one(document, f"hpa[{index}]"))
        except InputError as exc:
            raise HpaFileError(f"{source}: {exc}") from exc
    keys = [(hpa.namespace, hpa.scale_target_ref.name) for hpa in hpas]
    duplicates = sorted({f"{ns}/{name}" for ns, name in keys if keys.count((ns, name)) > 1})
    if duplicates:
        raise HpaFileError(f"{source}: more than one HPA targets {', '.join(duplicates)}")
    return tuple(hpas)


def load_hpa_file(path: Path | str) -> tuple[HorizontalPodAutoscaler, ...]:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise HpaFileError(f"{file}: cannot read file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise HpaFileError(f"{file}: not UTF-8 text: {exc.reason} at byte {exc.start}") from exc
    return parse_hpa_documents(text, source=str(file))

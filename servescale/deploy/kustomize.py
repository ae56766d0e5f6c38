"""Build a kustomization without kustomize: the subset ``deploy/`` uses, with kustomize's semantics.

Supported fields: ``resources`` (YAML files and directories holding a ``kustomization.yaml``,
built recursively first), ``patches`` (RFC 6902 operations from ``path`` or ``patch``, selected by
``target`` group/version/kind/name/namespace, names matched as anchored regular expressions),
``labels`` (``includeSelectors: false``: ``metadata.labels`` only), ``images`` (``newName``,
``newTag``, ``digest`` on pod-template and pod containers) and ``sortOptions.order: fifo``.
Transformers run in kustomize's order (patches, labels, images). Anything else, including
strategic-merge patches and the default legacy ordering, raises :class:`KustomizeError` rather than
giving a result that could differ from ``kubectl kustomize``; a test builds every overlay both ways.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from .json_patch import JsonPatchError, apply_patch

__all__ = ["KustomizeError", "build", "object_id"]

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_FIELDS = {"apiVersion", "kind", "resources", "patches", "labels", "images", "sortOptions"}
_CONTAINER_LISTS = ("containers", "initContainers")


class KustomizeError(ValueError):
    """A kustomization this builder cannot build exactly as kustomize would; names the file and field."""


def object_id(obj: Mapping[str, Any]) -> tuple[str, str, str, str]:
    """(apiVersion group, kind, namespace, name): what kustomize keeps unique."""
    group = str(obj.get("apiVersion", "")).rpartition("/")[0]
    meta = obj.get("metadata") or {}
    return (group, str(obj.get("kind", "")), str(meta.get("namespace", "")), str(meta.get("name", "")))


def _kustomization_file(directory: Path) -> Path:
    for name in KUSTOMIZATION_FILES:
        if (directory / name).is_file():
            return directory / name
    raise KustomizeError(f"{directory}: no kustomization.yaml")


def _load_documents(path: Path) -> list[dict[str, Any]]:
    try:
        documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
    except yaml.YAMLError as exc:
        raise KustomizeError(f"{path}: not YAML: {exc}") from exc
    objects = []
    for document in documents:
        if document is None:
            continue
        if not isinstance(document, dict) or "kind" not in document or "apiVersion" not in document:
            raise KustomizeError(f"{path}: every document must be a Kubernetes object")
        objects.append(document)
    return objects


def _matches(pattern: Any, value: str) -> bool:
    return pattern is None or re.fullmatch(str(pattern), value) is not None


def _selected(obj: Mapping[str, Any], target: Mapping[str, Any], where: str) -> bool:
    unknown = set(target) - {"group", "version", "kind", "name", "namespace"}
    if unknown:
        raise KustomizeError(f"{where}: target fields {sorted(unknown)} are not supported")
    group, _, version = str(obj["apiVersion"]).rpartition("/")
    meta = obj.get("metadata") or {}
    return (
        _matches(target.get("group"), group)
        and _matches(target.get("version"), version)
        and _matches(target.get("kind"), str(obj["kind"]))
        and _matches(target.get("name"), str(meta.get("name", "")))
        and _matches(target.get("namespace"), str(meta.get("namespace", "")))
    )


def _patch_operations(entry: Mapping[str, Any], directory: Path, where: str) -> list[Any]:
    if "path" in entry:
        text = (directory / str(entry["path"])).read_text(encoding="utf-8")
    elif "patch" in entry:
        text = str(entry["patch"])
    else:
        raise KustomizeError(f"{where}: a patch needs path or patch")
    operations = yaml.safe_load(text)
    if not isinstance(operations, list):
        raise KustomizeError(f"{where}: only JSON 6902 patches (a list of operations) are supported")
    return operations


def _apply_patches(objects: list[dict[str, Any]], entries: list[Any], directory: Path, source: Path) -> None:
    for number, entry in enumerate(entries):
        where = f"{source}: patches[{number}]"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("target"), Mapping):
            raise KustomizeError(f"{where}: a patch needs a target")
        if set(entry) - {"path", "patch", "target"}:
            raise KustomizeError(
                f"{where}: fields {sorted(set(entry) - {'path', 'patch', 'target'})} unsupported"
            )
        operations = _patch_operations(entry, directory, where)
        hits = 0
        for index, obj in enumerate(objects):
            if _selected(obj, entry["target"], where):
                hits += 1
                try:
                    objects[index] = apply_patch(obj, operations)
                except JsonPatchError as exc:
                    raise KustomizeError(
                        f"{where} on {obj['kind']}/{obj['metadata']['name']}: {exc}"
                    ) from exc
        if hits == 0:
            raise KustomizeError(f"{where}: the target matches no object")


def _apply_labels(objects: list[dict[str, Any]], entries: list[Any], source: Path) -> None:
    for number, entry in enumerate(entries):
        if (
            not isinstance(entry, Mapping)
            or entry.get("includeSelectors", False)
            or entry.get("includeTemplates", False)
        ):
            raise KustomizeError(f"{source}: labels[{number}]: only includeSelectors: false is supported")
        for obj in objects:
            meta = obj.setdefault("metadata", {})
            labels = meta.get("labels") or {}
            meta["labels"] = {**labels, **{str(k): str(v) for k, v in entry.get("pairs", {}).items()}}


def _image_name(image: str) -> str:
    without_digest = image.split("@", 1)[0]
    slash = without_digest.rfind("/")
    colon = without_digest.rfind(":")
    return without_digest[:colon] if colon > slash else without_digest


def _new_image(image: str, rule: Mapping[str, Any]) -> str:
    name = str(rule.get("newName", _image_name(image)))
    if "digest" in rule:
        return f"{name}@{rule['digest']}"
    if "newTag" in rule:
        return f"{name}:{rule['newTag']}"
    rest = image[len(_image_name(image)) :]
    return f"{name}{rest}"


def _pod_specs(obj: dict[str, Any]) -> list[dict[str, Any]]:
    spec = obj.get("spec") or {}
    if obj.get("kind") == "Pod":
        return [spec]
    template = (spec.get("template") or {}).get("spec")
    return [template] if isinstance(template, dict) else []


def _apply_images(objects: list[dict[str, Any]], rules: list[Any], source: Path) -> None:
    for number, rule in enumerate(rules):
        if not isinstance(rule, Mapping) or "name" not in rule:
            raise KustomizeError(f"{source}: images[{number}] needs a name")
        if set(rule) - {"name", "newName", "newTag", "digest"}:
            raise KustomizeError(f"{source}: images[{number}]: unsupported fields")
        for obj in objects:
            for pod in _pod_specs(obj):
                for field in _CONTAINER_LISTS:
                    for container in pod.get(field) or []:
                        image = str(container.get("image", ""))
                        if image and _image_name(image) == rule["name"]:
                            container["image"] = _new_image(image, rule)


def build(directory: Path) -> list[dict[str, Any]]:
    """The objects ``kubectl kustomize directory`` prints, in the same order."""
    source = _kustomization_file(directory)
    spec = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    if not isinstance(spec, dict):
        raise KustomizeError(f"{source}: not a mapping")
    unknown = set(spec) - _FIELDS
    if unknown:
        raise KustomizeError(f"{source}: fields {sorted(unknown)} are not supported")
    if (spec.get("sortOptions") or {}).get("order") != "fifo":
        raise KustomizeError(f"{source}: set sortOptions.order: fifo (the legacy order is not reproduced)")
    objects: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str, str]] = set()
    for entry in spec.get("resources") or []:
        path = directory / str(entry)
        if path.is_dir():
            loaded = build(path)
        elif path.is_file():
            loaded = _load_documents(path)
        else:
            raise KustomizeError(f"{source}: resource {entry!r} does not exist")
        for obj in loaded:
            key = object_id(obj)
            if key in seen:
                raise KustomizeError(f"{source}: {'/'.join(k for k in key if k)} is listed twice")
            seen.add(key)
            objects.append(obj)
    _apply_patches(objects, list(spec.get("patches") or []), directory, source)
    _apply_labels(objects, list(spec.get("labels") or []), source)
    _apply_images(objects, list(spec.get("images") or []), source)
    return objects

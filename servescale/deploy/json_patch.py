"""RFC 6902 JSON Patch, the operations kustomize's ``patches`` accept: add, remove, replace, test.

As in kustomize, ``replace`` of a missing key of a mapping sets it (observed with kubectl 1.32).

Pointers follow RFC 6901 (``~1`` is ``/``, ``~0`` is ``~``; ``-`` appends to a list). Every failure
raises :class:`JsonPatchError` naming the operation and path, as kustomize refuses the build.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["JsonPatchError", "apply_patch"]


class JsonPatchError(ValueError):
    """A patch that cannot apply: bad operation, missing path, failed ``test``."""


def _tokens(pointer: str) -> list[str]:
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise JsonPatchError(f"path {pointer!r} does not start with /")
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer[1:].split("/")]


def _index(container: list[Any], token: str, *, op: str, path: str, append: bool = False) -> int:
    if append and token == "-":
        return len(container)
    if not token.isdigit() or (len(token) > 1 and token.startswith("0")):
        raise JsonPatchError(f"{op} {path}: {token!r} is not a list index")
    index = int(token)
    limit = len(container) if append else len(container) - 1
    if index > limit:
        raise JsonPatchError(f"{op} {path}: index {index} is out of range (length {len(container)})")
    return index


def _parent(document: Any, tokens: list[str], *, op: str, path: str) -> Any:
    node = document
    for token in tokens[:-1]:
        if isinstance(node, dict):
            if token not in node:
                raise JsonPatchError(f"{op} {path}: {token!r} does not exist")
            node = node[token]
        elif isinstance(node, list):
            node = node[_index(node, token, op=op, path=path)]
        else:
            raise JsonPatchError(f"{op} {path}: cannot descend into a scalar at {token!r}")
    return node


def _apply_one(document: Any, operation: Mapping[str, Any]) -> Any:
    op = operation.get("op")
    path = operation.get("path")
    if not isinstance(path, str):
        raise JsonPatchError(f"operation {dict(operation)!r} has no path")
    if op in ("add", "replace", "test") and "value" not in operation:
        raise JsonPatchError(f"{op} {path}: no value")
    tokens = _tokens(path)
    value = copy.deepcopy(operation.get("value"))
    if not tokens:
        if op in ("add", "replace"):
            return value
        if op == "test":
            if document != value:
                raise JsonPatchError(f"test {path}: the document differs from the value")
            return document
        raise JsonPatchError(f"{op} {path}: not allowed on the whole document")
    parent = _parent(document, tokens, op=str(op), path=path)
    last = tokens[-1]
    if isinstance(parent, dict):
        if op in ("add", "replace") and (op == "add" or last not in parent):
            # kustomize's patch library lets replace create a missing key; so do we.
            parent[last] = value
        elif op in ("remove", "replace", "test"):
            if last not in parent:
                raise JsonPatchError(f"{op} {path}: {last!r} does not exist")
            if op == "remove":
                del parent[last]
            elif op == "replace":
                parent[last] = value
            elif parent[last] != value:
                raise JsonPatchError(f"test {path}: found {parent[last]!r}, expected {value!r}")
        else:
            raise JsonPatchError(f"unsupported operation {op!r} at {path}")
    elif isinstance(parent, list):
        if op == "add":
            parent.insert(_index(parent, last, op=op, path=path, append=True), value)
        elif op in ("remove", "replace", "test"):
            index = _index(parent, last, op=op, path=path)
            if op == "remove":
                del parent[index]
            elif op == "replace":
                parent[index] = value
            elif parent[index] != value:
                raise JsonPatchError(f"test {path}: found {parent[index]!r}, expected {value!r}")
        else:
            raise JsonPatchError(f"unsupported operation {op!r} at {path}")
    else:
        raise JsonPatchError(f"{op} {path}: the parent is a scalar")
    return document


def apply_patch(document: Any, operations: Sequence[Mapping[str, Any]]) -> Any:
    """``document`` after ``operations`` in order; the input is not modified."""
    result = copy.deepcopy(document)
    for operation in operations:
        if not isinstance(operation, Mapping):
            raise JsonPatchError(f"a patch operation must be a mapping, got {operation!r}")
        result = _apply_one(result, operation)
    return result

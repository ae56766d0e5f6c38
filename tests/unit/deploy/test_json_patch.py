"""RFC 6902 operations as kustomize applies them to the deploy/ overlays."""

from __future__ import annotations

from typing import Any

import pytest

from servescale.deploy.json_patch import JsonPatchError, apply_patch

DOC: dict[str, Any] = {"spec": {"args": ["serve", "--cert-dir=/c"], "flag": True}, "metadata": {"name": "x"}}


@pytest.mark.parametrize(
    ("operations", "expected"),
    [
        pytest.param(
            [{"op": "remove", "path": "/spec/flag"}], {"args": ["serve", "--cert-dir=/c"]}, id="remove-key"
        ),
        pytest.param(
            [{"op": "add", "path": "/spec/args/-", "value": "z"}],
            {"args": ["serve", "--cert-dir=/c", "z"], "flag": True},
            id="append",
        ),
        pytest.param(
            [{"op": "add", "path": "/spec/args/1", "value": "y"}],
            {"args": ["serve", "y", "--cert-dir=/c"], "flag": True},
            id="insert",
        ),
        pytest.param(
            [
                {"op": "test", "path": "/spec/args/1", "value": "--cert-dir=/c"},
                {"op": "replace", "path": "/spec/args/1", "value": "t"},
            ],
            {"args": ["serve", "t"], "flag": True},
            id="test-then-replace",
        ),
        pytest.param(
            [{"op": "replace", "path": "/spec/new", "value": 1}],
            {"args": ["serve", "--cert-dir=/c"], "flag": True, "new": 1},
            id="replace-missing-key-sets-it",
        ),
        pytest.param(
            [{"op": "add", "path": "/spec/a~1b", "value": "v"}],
            {"args": ["serve", "--cert-dir=/c"], "flag": True, "a/b": "v"},
            id="escaped-slash",
        ),
    ],
)
def test_operations(operations: list[dict[str, Any]], expected: dict[str, Any]) -> None:
    assert apply_patch(DOC, operations)["spec"] == expected
    assert DOC["spec"]["args"] == ["serve", "--cert-dir=/c"], "the input is not modified"


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        pytest.param(
            {"op": "test", "path": "/spec/args/1", "value": "other"},
            "found '--cert-dir=/c'",
            id="failed-test",
        ),
        pytest.param(
            {"op": "remove", "path": "/spec/missing"}, "'missing' does not exist", id="remove-missing"
        ),
        pytest.param({"op": "replace", "path": "/spec/args/5", "value": 1}, "out of range", id="index-range"),
        pytest.param(
            {"op": "add", "path": "/nope/deeper", "value": 1}, "'nope' does not exist", id="missing-parent"
        ),
        pytest.param({"op": "move", "from": "/a", "path": "/b"}, "unsupported operation 'move'", id="move"),
        pytest.param({"op": "add", "path": "spec", "value": 1}, "does not start with /", id="relative"),
        pytest.param(
            {"op": "add", "path": "/spec/args/01", "value": 1}, "not a list index", id="leading-zero"
        ),
    ],
)
def test_errors_name_the_operation_and_path(operation: dict[str, Any], message: str) -> None:
    with pytest.raises(JsonPatchError, match=message.replace("(", r"\(")):
        apply_patch(DOC, [operation])

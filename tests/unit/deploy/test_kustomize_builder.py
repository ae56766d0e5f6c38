"""The builtin kustomize builder refuses what it cannot build exactly as kustomize would.

Equality with ``kubectl kustomize`` on every overlay is proved in tests/integration/test_deploy_render.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from servescale.deploy.kustomize import KustomizeError, build

FIFO = "sortOptions: {order: fifo}\n"
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: n}\n"
DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: d, namespace: n}
spec:
  template:
    spec:
      containers: [{name: a, image: "servescale:0.1.0"}, {name: b, image: "other:1"}]
"""


def tree(tmp_path: Path, kustomization: str, **files: str) -> Path:
    (tmp_path / "kustomization.yaml").write_text(kustomization)
    for name, text in files.items():
        (tmp_path / f"{name}.yaml").write_text(text)
    return tmp_path


def test_resources_labels_images_in_order(tmp_path: Path) -> None:
    directory = tree(
        tmp_path,
        "resources: [d.yaml, c.yaml]\nsortOptions: {order: fifo}\n"
        "labels: [{pairs: {team: ml}, includeSelectors: false}]\n"
        "images: [{name: servescale, newName: r.io/s, newTag: '2'}]\n",
        c=CONFIGMAP,
        d=DEPLOYMENT,
    )
    objects = build(directory)
    assert [o["kind"] for o in objects] == ["Deployment", "ConfigMap"]
    assert all(o["metadata"]["labels"] == {"team": "ml"} for o in objects)
    containers = objects[0]["spec"]["template"]["spec"]["containers"]
    assert [c["image"] for c in containers] == ["r.io/s:2", "other:1"]
    assert "labels" not in objects[0]["spec"]["template"].get("metadata", {}), "templates keep their labels"


@pytest.mark.parametrize(
    ("kustomization", "message"),
    [
        pytest.param("resources: [c.yaml]\n", "sortOptions.order: fifo", id="legacy-order"),
        pytest.param(
            "resources: [c.yaml]\n" + FIFO + "namespace: x\n",
            "'namespace'",
            id="namespace-field",
        ),
        pytest.param("resources: [c.yaml, c.yaml]\n" + FIFO, "listed twice", id="duplicate"),
        pytest.param("resources: [gone.yaml]\n" + FIFO, "does not exist", id="missing"),
        pytest.param(
            "resources: [c.yaml]\n" + FIFO + "labels: [{pairs: {a: b}, includeSelectors: true}]\n",
            "includeSelectors: false",
            id="selector-labels",
        ),
        pytest.param(
            "resources: [c.yaml]\n"
            + FIFO
            + "patches: [{patch: 'metadata: {name: x}', target: {kind: ConfigMap}}]\n",
            "only JSON 6902",
            id="strategic-merge",
        ),
        pytest.param(
            "resources: [c.yaml]\n" + FIFO + "patches: [{patch: '[]', target: {kind: Secret}}]\n",
            "matches no object",
            id="target-matches-nothing",
        ),
        pytest.param(
            "resources: [c.yaml]\n"
            + FIFO
            + "patches: [{patch: '[{op: test, path: /metadata/name, value: z}]',"
            + " target: {kind: ConfigMap}}]\n",
            "ConfigMap/c: test /metadata/name",
            id="failed-test-op",
        ),
    ],
)
def test_refusals_name_file_and_field(tmp_path: Path, kustomization: str, message: str) -> None:
    with pytest.raises(KustomizeError, match=message.replace(".", r"\.")):
        build(tree(tmp_path, kustomization, c=CONFIGMAP))

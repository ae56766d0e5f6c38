"""The generated slot of an overlay: rules with a namespace, routes as a Secret, dashboards, and a
kustomization listing exactly the files written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from alerts.config import parse_alerts_config
from servescale.deploy.slot import ALERTMANAGER_SECRET, NAMESPACE, configmap_document, write_generated

BOARD: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"name": "board-one", "namespace": NAMESPACE, "labels": {"grafana_dashboard": "1"}},
    "data": {"one.json": "{}"},
}
ROUTES = {
    "prometheusRule": {"labels": {"release": "kps"}},
    "alertmanager": {
        "receivers": [{"name": "hook", "webhook": [{"url": "http://h:1/"}]}],
        "defaultReceiver": "hook",
    },
}


def load(directory: Path, name: str) -> Any:
    return yaml.safe_load((directory / name).read_text())


def test_defaults_write_the_autoscaling_rule_in_the_adapters_namespace(tmp_path: Path) -> None:
    written = write_generated(
        tmp_path, slos=(), alerts_config=parse_alerts_config({}), dashboards=lambda ns: ()
    )
    assert [p.name for p in written] == ["autoscaling.prometheusrule.yaml", "kustomization.yaml"]
    rule = load(tmp_path, "autoscaling.prometheusrule.yaml")
    assert rule["kind"] == "PrometheusRule"
    assert rule["metadata"]["namespace"] == NAMESPACE
    assert load(tmp_path, "kustomization.yaml")["resources"] == ["autoscaling.prometheusrule.yaml"]


def test_routes_become_a_secret_and_dashboards_are_listed_last(tmp_path: Path) -> None:
    (tmp_path / "leftover.yaml").write_text("stale")
    namespaces = []

    def boards(namespace: str) -> list[dict[str, Any]]:
        namespaces.append(namespace)
        return [BOARD]

    write_generated(tmp_path, slos=(), alerts_config=parse_alerts_config(ROUTES), dashboards=boards)
    resources = load(tmp_path, "kustomization.yaml")["resources"]
    assert resources == [
        "autoscaling.prometheusrule.yaml",
        "alertmanager-secret.yaml",
        "dashboard-board-one.yaml",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*resources, "kustomization.yaml"])
    secret = load(tmp_path, "alertmanager-secret.yaml")
    assert secret["metadata"]["name"] == ALERTMANAGER_SECRET
    routes = yaml.safe_load(secret["stringData"]["alertmanager.yaml"])
    assert routes["route"]["receiver"] == "hook"
    assert load(tmp_path, "autoscaling.prometheusrule.yaml")["metadata"]["labels"]["release"] == "kps"
    assert namespaces == [NAMESPACE]
    assert load(tmp_path, "dashboard-board-one.yaml") == BOARD


def test_configmap_keeps_the_catalogue_text_as_given() -> None:
    text = "presets:\n  istio: {enabled: true}\n"
    document = configmap_document(text)
    assert document["data"] == {"config.yaml": text}
    assert document["metadata"] == {"name": "servescale-config", "namespace": NAMESPACE}

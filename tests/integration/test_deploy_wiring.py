"""How the rendered objects of every overlay fit together, and that what they name exists.

The three APIServices with v1beta2 preferred, cert-manager's CA injection, the auth-delegator and
authentication-reader bindings, the HPA controller's read access to both metrics groups, probes on
the ``--health-port``, the restricted Pod Security profile on every pod template; the Deployment's
args parse with our own CLI and name files the pod mounts; the example HPAs name metrics that a real
``servescale serve`` started with the overlay's catalogue lists in discovery; the ServiceMonitor
scrapes the health port; PrometheusRules pass ``promtool check rules``, the Alertmanager Secret
``amtool check-config``, the dashboard ConfigMaps the dashboard lint.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from typer.main import get_command

from dashboards.board import Board
from dashboards.lint import known_metrics, lint_board
from metrics_adapter.catalogue import load_config
from metrics_adapter.promql import PrometheusConfig
from servescale.cli import app
from servescale.stack.ports import free_port
from servescale.stack.prometheus import PrometheusServer
from tests.integration.deploy_objects import restricted_violations
from tests.integration.deploy_rendering import (
    OVERLAYS,
    adapter_container,
    find,
    flag,
    objects_of,
    one,
    rendered_overlays,
)

pytestmark = pytest.mark.integration
METRIC_GROUPS = {"custom.metrics.k8s.io", "external.metrics.k8s.io"}


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return rendered_overlays()


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_three_apiservices_with_v1beta2_preferred(rendered: dict[str, str], overlay: str) -> None:
    objects = objects_of(rendered[overlay])
    services = {o["metadata"]["name"]: o for o in find(objects, "APIService")}
    assert set(services) == {
        "v1beta1.custom.metrics.k8s.io",
        "v1beta2.custom.metrics.k8s.io",
        "v1beta1.external.metrics.k8s.io",
    }
    service = one(objects, "Service", "servescale")
    https = next(p for p in service["spec"]["ports"] if p["name"] == "https")
    for name, obj in services.items():
        spec = obj["spec"]
        assert name == f"{spec['version']}.{spec['group']}"
        assert spec["service"] == {"name": "servescale", "namespace": "servescale", "port": https["port"]}
        assert spec["groupPriorityMinimum"] >= 100
    assert (
        services["v1beta2.custom.metrics.k8s.io"]["spec"]["versionPriority"]
        > services["v1beta1.custom.metrics.k8s.io"]["spec"]["versionPriority"]
    )


def test_cert_manager_injects_the_ca_of_a_certificate_for_the_service(rendered: dict[str, str]) -> None:
    objects = objects_of(rendered["cert-manager"])
    for obj in find(objects, "APIService"):
        assert "insecureSkipTLSVerify" not in obj["spec"]
        assert "caBundle" not in obj["spec"]
        namespace, _, name = obj["metadata"]["annotations"]["cert-manager.io/inject-ca-from"].partition("/")
        certificate = one(objects, "Certificate", name)
        assert certificate["metadata"]["namespace"] == namespace
        svc = obj["spec"]["service"]
        assert f"{svc['name']}.{svc['namespace']}.svc" in certificate["spec"]["dnsNames"]
        issuer = certificate["spec"]["issuerRef"]
        assert one(objects, issuer["kind"], issuer["name"])["metadata"]["namespace"] == namespace
    for overlay in ("base", "prometheus-operator", "istio-kserve"):
        assert all(
            o["spec"]["insecureSkipTLSVerify"] for o in find(objects_of(rendered[overlay]), "APIService")
        )


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_auth_delegator_and_authentication_reader_bindings(rendered: dict[str, str], overlay: str) -> None:
    objects = objects_of(rendered[overlay])
    adapter = {"kind": "ServiceAccount", "name": "servescale", "namespace": "servescale"}
    delegator = [
        b for b in find(objects, "ClusterRoleBinding") if b["roleRef"]["name"] == "system:auth-delegator"
    ]
    assert len(delegator) == 1
    assert adapter in delegator[0]["subjects"]
    assert delegator[0]["roleRef"]["kind"] == "ClusterRole"
    reader = [
        b
        for b in find(objects, "RoleBinding")
        if b["roleRef"]["name"] == "extension-apiserver-authentication-reader"
    ]
    assert len(reader) == 1
    assert adapter in reader[0]["subjects"]
    assert reader[0]["metadata"]["namespace"] == "kube-system"
    assert reader[0]["roleRef"]["kind"] == "Role"
    assert (
        one(objects, "Deployment", "servescale")["spec"]["template"]["spec"]["serviceAccountName"]
        == "servescale"
    )


def granted(objects: list[dict[str, Any]], subject: dict[str, str]) -> set[tuple[str, str, str]]:
    """(group, resource, verb) the ClusterRoles bound to ``subject`` grant."""
    grants = set()
    for binding in find(objects, "ClusterRoleBinding"):
        if subject in binding.get("subjects", []):
            for role in find(objects, "ClusterRole", binding["roleRef"]["name"]):
                for rule in role["rules"]:
                    grants |= {
                        (g, r, v) for g in rule["apiGroups"] for r in rule["resources"] for v in rule["verbs"]
                    }
    return grants


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_hpa_controller_may_get_and_list_both_metrics_groups(rendered: dict[str, str], overlay: str) -> None:
    objects = objects_of(rendered[overlay])
    hpa_controller = {
        "kind": "ServiceAccount",
        "name": "horizontal-pod-autoscaler",
        "namespace": "kube-system",
    }
    grants = granted(objects, hpa_controller)
    for group in METRIC_GROUPS:
        assert {(group, "*", "get"), (group, "*", "list")} <= grants, group
    assert not {v for g, _, v in grants if g in METRIC_GROUPS} - {"get", "list"}, "read-only access only"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_probes_and_health_port_and_service_agree(rendered: dict[str, str], overlay: str) -> None:
    objects = objects_of(rendered[overlay])
    container = adapter_container(objects)
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    health = int(flag(container["args"], "--health-port") or 0)
    assert health == ports["health"]
    assert int(flag(container["args"], "--secure-port") or 0) == ports["https"]
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        port = container[probe]["httpGet"]["port"]
        assert ports.get(port, port) == health, probe
    service = one(objects, "Service", "servescale")
    deployment = one(objects, "Deployment", "servescale")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert {p["targetPort"] for p in service["spec"]["ports"]} <= set(ports)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pod_template_meets_the_restricted_pod_security_profile(
    rendered: dict[str, str], overlay: str
) -> None:
    objects = objects_of(rendered[overlay])
    templates = [o for o in objects if "template" in o.get("spec", {})]
    assert templates
    for obj in templates:
        assert restricted_violations(obj["spec"]["template"]["spec"]) == [], obj["metadata"]["name"]
        assert adapter_container(objects)["securityContext"]["readOnlyRootFilesystem"] is True
    namespace = one(objects, "Namespace", "servescale")
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


def test_restricted_profile_check_catches_what_it_should() -> None:
    pod = {
        "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [
            {
                "name": "c",
                "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
            }
        ],
        "volumes": [{"name": "v", "emptyDir": {}}],
    }
    assert restricted_violations(pod) == []
    worse = json.loads(json.dumps(pod))
    worse["hostNetwork"] = True
    worse["volumes"].append({"name": "h", "hostPath": {"path": "/"}})
    worse["containers"][0]["securityContext"] = {"capabilities": {"add": ["NET_ADMIN"]}}
    assert len(restricted_violations(worse)) == 5


def mounted_source(objects: list[dict[str, Any]], path: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    """The volume mount holding ``path``, its volume, and the path inside it."""
    deployment = one(objects, "Deployment", "servescale")
    volumes = {v["name"]: v for v in deployment["spec"]["template"]["spec"]["volumes"]}
    for mount in adapter_container(objects)["volumeMounts"]:
        prefix = mount["mountPath"].rstrip("/") + "/"
        if path == mount["mountPath"] or path.startswith(prefix):
            return mount, volumes[mount["name"]], path.removeprefix(prefix)
    raise AssertionError(f"{path} is on no mounted volume (the root filesystem is read-only)")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_deployment_args_parse_with_our_cli_and_name_mounted_files(
    rendered: dict[str, str], overlay: str, tmp_path: Path
) -> None:
    objects = objects_of(rendered[overlay])
    args = adapter_container(objects)["args"]
    assert args[0] == "serve"
    serve = get_command(app).commands["serve"]  # type: ignore[attr-defined]
    context = serve.make_context("serve", list(args[1:]))  # unknown flags or bad types raise here
    params = context.params
    PrometheusConfig(base_url=params["prometheus_url"])
    assert 0 < params["secure_port"] < 65536
    assert 0 < params["health_port"] < 65536
    config_mount, config_volume, key = mounted_source(objects, str(params["config"]))
    configmap = one(objects, "ConfigMap", config_volume["configMap"]["name"])
    (tmp_path / key).write_text(configmap["data"][key])
    assert len(list(load_config(tmp_path / key))) > 0
    assert config_mount["readOnly"] is True
    if params["tls_cert_file"] is None:
        mount, volume, _ = mounted_source(objects, str(params["cert_dir"]))
        assert "emptyDir" in volume
        assert not mount.get("readOnly"), "the self-signed certificate must be writable"
    else:
        for option in ("tls_cert_file", "tls_private_key_file"):
            _, volume, file_key = mounted_source(objects, str(params[option]))
            secret = volume["secret"]["secretName"]
            issuing = [c for c in find(objects, "Certificate") if c["spec"]["secretName"] == secret]
            assert issuing, option
            assert file_key in ("tls.crt", "tls.key"), option


def test_servicemonitor_scrapes_the_health_port(rendered: dict[str, str]) -> None:
    objects = objects_of(rendered["prometheus-operator"])
    monitor = one(objects, "ServiceMonitor", "servescale")
    service = one(objects, "Service", "servescale")
    assert monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    assert service["metadata"]["namespace"] in monitor["spec"]["namespaceSelector"]["matchNames"]
    (endpoint,) = monitor["spec"]["endpoints"]
    port = next(p for p in service["spec"]["ports"] if p["name"] == endpoint["port"])
    container = adapter_container(objects)
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports[port["targetPort"]] == int(flag(container["args"], "--health-port") or 0)
    assert endpoint["path"] == "/metrics"


def test_prometheus_rules_pass_promtool(rendered: dict[str, str], tmp_path: Path) -> None:
    rules = find(objects_of(rendered["prometheus-operator"]), "PrometheusRule")
    assert len(rules) >= 3
    files = []
    for rule in rules:
        path = tmp_path / f"{rule['metadata']['name']}.rules.yaml"
        path.write_text(yaml.safe_dump(rule["spec"]))
        files.append(str(path))
    run = subprocess.run(["promtool", "check", "rules", *files], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count("SUCCESS") == len(files)


def test_alertmanager_secret_passes_amtool(rendered: dict[str, str], tmp_path: Path) -> None:
    (secret,) = find(objects_of(rendered["prometheus-operator"]), "Secret")
    path = tmp_path / "alertmanager.yaml"
    path.write_text(secret["stringData"]["alertmanager.yaml"])
    run = subprocess.run(["amtool", "check-config", str(path)], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    routes = yaml.safe_load(path.read_text())
    assert {r["name"] for r in routes["receivers"]} >= {"ml-oncall", "ml-team", "audit-log"}


def test_dashboard_configmaps_for_the_grafana_sidecar_pass_the_dashboard_lint(
    rendered: dict[str, str],
) -> None:
    objects = objects_of(rendered["prometheus-operator"])
    boards = [
        o for o in find(objects, "ConfigMap") if o["metadata"].get("labels", {}).get("grafana_dashboard")
    ]
    assert len(boards) >= 4, "serving, GPU, autoscaling and SLO boards"
    known = known_metrics(load_config(None))
    titles = []
    for configmap in boards:
        assert configmap["metadata"]["labels"]["grafana_dashboard"] == "1"
        assert configmap["metadata"]["annotations"], "the sidecar's folder annotation"
        ((key, text),) = configmap["data"].items()
        model = json.loads(text)
        assert key == f"{model['uid']}.json"
        assert lint_board(Board(uid=model["uid"], title=model["title"], model=model), known) == []
        titles.append(model["title"])
    slo_board = next(
        json.loads(c["data"][next(iter(c["data"]))]) for c in boards if "slo" in c["metadata"]["name"]
    )
    assert "llama" in json.dumps(slo_board), "the SLO board shows the SLOs rendered"
    assert len(set(titles)) == len(titles)


@pytest.fixture(scope="module")
def kserve_adapter(rendered: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``servescale serve`` with the istio-kserve overlay's catalogue, on a real Prometheus.

    Discovery lists what the catalogue serves whatever Prometheus holds, so the Prometheus scrapes
    nothing, and the test waits for discovery to answer rather than for readiness (the pod cache).
    """
    objects = objects_of(rendered["istio-kserve"])
    config = tmp_path_factory.mktemp("kserve") / "config.yaml"
    config.write_text(one(objects, "ConfigMap", "servescale-config")["data"]["config.yaml"])
    port = free_port()
    with PrometheusServer() as prometheus:
        command = [
            sys.executable,
            "-m",
            "servescale",
            "serve",
            f"--prometheus-url={prometheus.url}",
            f"--config={config}",
            "--secure-port=0",
            f"--insecure-port={port}",
            "--health-port=0",
            "--pods-from-prometheus",
            "--log-level=error",
        ]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and process.poll() is None:
                try:
                    httpx.get(f"{url}/apis/custom.metrics.k8s.io/v1beta2", timeout=2).raise_for_status()
                    break
                except httpx.HTTPError:
                    time.sleep(0.2)
            else:
                raise AssertionError(f"servescale serve did not answer discovery (exit {process.poll()})")
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_example_hpas_name_metrics_the_adapter_serves(rendered: dict[str, str], kserve_adapter: str) -> None:
    hpas = find(objects_of(rendered["istio-kserve"]), "HorizontalPodAutoscaler")
    assert len(hpas) >= 2
    served = {
        r["name"]
        for r in httpx.get(f"{kserve_adapter}/apis/custom.metrics.k8s.io/v1beta2", timeout=10).json()[
            "resources"
        ]
    }
    wanted = set()
    for hpa in hpas:
        spec = hpa["spec"]
        assert spec["minReplicas"] >= 1
        assert spec["maxReplicas"] > spec["minReplicas"]
        assert spec["behavior"]["scaleDown"]["stabilizationWindowSeconds"] >= 300, (
            "GPU pods are costly to re-create"
        )
        for metric in spec["metrics"]:
            if metric["type"] == "Pods":
                wanted.add(f"pods/{metric['pods']['metric']['name']}")
            elif metric["type"] == "Object":
                described = metric["object"]["describedObject"]
                group = described["apiVersion"].rpartition("/")[0]
                resource = f"{described['kind'].lower()}s" + (f".{group}" if group else "")
                wanted.add(f"{resource}/{metric['object']['metric']['name']}")
                assert described["name"] == spec["scaleTargetRef"]["name"]
    kinds = {m.split("/")[1] for m in wanted}
    assert {"istio_requests_per_second", "gpu_utilization_percent"} <= kinds
    assert kinds & {"vllm_queue_depth", "triton_queue_depth"}
    assert wanted <= served, f"not served: {sorted(wanted - served)}"

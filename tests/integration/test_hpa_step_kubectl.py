"""``servescale hpa step`` on an input assembled from real ``kubectl`` output, byte for byte.

The HPA, the Deployment's scale subresource, the pods and their PodMetrics are served by a fake
kube-apiserver (``tests.fakes.kube_objects``) and printed by the real ``kubectl`` binary; the Pods
metric comes from the project's own metrics API (sandbox -> Prometheus -> ``servescale serve``)
through ``kubectl get --raw``. Each kubectl stdout is pasted as-is into the input document, and
``hpa step`` / ``hpa explain`` must give the decision derived by hand from the upstream algorithm.

The sandbox runs four vLLM pods at three times their capacity with a queue bound of 12, so every
pod's waiting-request gauge sits at exactly 12 once the queues have filled. The fake cluster holds
those four pods plus a fifth, Pending one: two long-ready, one ready for 20 s (its CPU sample does
not cover a full window since), one being deleted.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer
from typer.testing import CliRunner

from autoscaler.sandbox import parse_scenario
from servescale.commands.hpa import register
from servescale.demo.stack import running_stack
from servescale.stack.adapter import running_adapter
from tests.fakes.kube_objects import FakeKubeObjects

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

NAMESPACE, APP = "ml", "llama"
QUEUE_BOUND = 12
SCENARIO = f"""
seed: 11
startupDelaySeconds: 3
exporterTimestamps: always
namespaces:
  - name: {NAMESPACE}
    models:
      - name: {APP}
        server: vllm
        replicas: 4
        capacityRps: 10
        baseLatencyMs: 150
        maxQueuePerPod: {QUEUE_BOUND}
        gpu: {{model: NVIDIA A100-SXM4-80GB, memoryMiB: 81920}}
        load: {{type: constant, rps: 120}}
"""
QUEUE_METRIC = "inference_queue_depth"
CUSTOM_PATH = (
    f"/apis/custom.metrics.k8s.io/v1beta2/namespaces/{NAMESPACE}/pods/*/{QUEUE_METRIC}"
    f"?labelSelector=app%3D{APP}"
)


def kubectl(server: str, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("kubectl")
    assert binary is not None, "kubectl is part of the machine image and of CI"
    return subprocess.run(
        [binary, f"--server={server}", f"--cache-dir={cache}", *args],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "KUBECONFIG": os.devnull},
        check=False,
    )


def stdout_of(server: str, cache: Path, *args: str) -> str:
    result = kubectl(server, cache, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- the cluster's objects, as the API server stores them -------------------------------------------


def _condition(kind: str, status: str, since: datetime, reason: str | None = None) -> dict[str, Any]:
    condition: dict[str, Any] = {
        "type": kind,
        "status": status,
        "lastProbeTime": None,
        "lastTransitionTime": rfc3339(since),
    }
    if reason:
        condition["reason"] = reason
    return condition


def _container(name: str, image: str, requests: dict[str, str], limits: dict[str, str]) -> dict[str, Any]:
    return {
        "name": name,
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "resources": {"requests": requests, "limits": limits},
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
    }


def pod(
    name: str,
    template_hash: str,
    *,
    now: datetime,
    created: datetime,
    ready_since: datetime | None,
    node: str | None,
    ip: str | None,
    deleting: bool = False,
) -> dict[str, Any]:
    """A Deployment pod with an Istio sidecar; Pending (containers creating) when not ready."""
    metadata: dict[str, Any] = {
        "name": name,
        "generateName": f"{APP}-{template_hash}-",
        "namespace": NAMESPACE,
        "uid": f"uid-{name}",
        "resourceVersion": str(48213000 + int(created.timestamp()) % 1000),
        "creationTimestamp": rfc3339(created),
        "labels": {"app": APP, "pod-template-hash": template_hash, "version": "v1"},
        "annotations": {"sidecar.istio.io/status": '{"initContainers":["istio-init"]}'},
        "ownerReferences": [
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "name": f"{APP}-{template_hash}",
                "uid": f"uid-{APP}-{template_hash}",
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ],
        "managedFields": [
            {
                "manager": "kube-controller-manager",
                "operation": "Update",
                "apiVersion": "v1",
                "time": rfc3339(created),
                "fieldsType": "FieldsV1",
                "fieldsV1": {"f:metadata": {"f:generateName": {}, "f:labels": {}, "f:ownerReferences": {}}},
            }
        ],
    }
    if deleting:
        metadata["deletionTimestamp"] = rfc3339(now + timedelta(seconds=25))
        metadata["deletionGracePeriodSeconds"] = 30
    containers = [
        _container(
            "vllm",
            "vllm/vllm-openai:v0.6.3",
            {"cpu": "2", "memory": "24Gi", "nvidia.com/gpu": "1"},
            {"memory": "24Gi", "nvidia.com/gpu": "1"},
        ),
        _container("istio-proxy", "istio/proxyv2:1.23.2", {"cpu": "100m", "memory": "128Mi"}, {"cpu": "2"}),
    ]
    started = created + timedelta(seconds=2)
    scheduled = [_condition("PodScheduled", "True", created)]
    if ready_since is None:
        status: dict[str, Any] = {
            "phase": "Pending",
            "conditions": [
                _condition("PodReadyToStartContainers", "False", started),
                _condition("Initialized", "False", started, "ContainersNotInitialized"),
                _condition("Ready", "False", started, "ContainersNotReady"),
                _condition("ContainersReady", "False", started, "ContainersNotReady"),
                *scheduled,
            ],
            "initContainerStatuses": [
                {
                    "name": "istio-init",
                    "image": "istio/proxyv2:1.23.2",
                    "imageID": "",
                    "ready": False,
                    "restartCount": 0,
                    "started": False,
                    "state": {"waiting": {"reason": "PodInitializing"}},
                    "lastState": {},
                }
            ],
            "qosClass": "Burstable",
            "startTime": rfc3339(started),
        }
    else:
        status = {
            "phase": "Running",
            "conditions": [
                _condition("PodReadyToStartContainers", "True", started),
                _condition("Initialized", "True", started),
                _condition("Ready", "True", ready_since),
                _condition("ContainersReady", "True", ready_since),
                *scheduled,
            ],
            "containerStatuses": [
                {
                    "name": container["name"],
                    "image": container["image"],
                    "imageID": f"docker.io/{container['image']}@sha256:{'0' * 64}",
                    "containerID": f"containerd://{name}-{container['name']}",
                    "ready": True,
                    "restartCount": 0,
                    "started": True,
                    "state": {"running": {"startedAt": rfc3339(started + timedelta(seconds=3))}},
                    "lastState": {},
                }
                for container in containers
            ],
            "hostIP": "10.0.0.12",
            "hostIPs": [{"ip": "10.0.0.12"}],
            "podIP": ip,
            "podIPs": [{"ip": ip}],
            "qosClass": "Burstable",
            "startTime": rfc3339(started),
        }
    spec: dict[str, Any] = {
        "initContainers": [
            _container("istio-init", "istio/proxyv2:1.23.2", {"cpu": "100m", "memory": "128Mi"}, {"cpu": "2"})
        ],
        "containers": containers,
        "dnsPolicy": "ClusterFirst",
        "enableServiceLinks": True,
        "preemptionPolicy": "PreemptLowerPriority",
        "priority": 0,
        "restartPolicy": "Always",
        "schedulerName": "default-scheduler",
        "securityContext": {},
        "serviceAccountName": "default",
        "terminationGracePeriodSeconds": 30,
        "tolerations": [
            {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"},
            {
                "key": "node.kubernetes.io/not-ready",
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": 300,
            },
        ],
    }
    if node is not None:
        spec["nodeName"] = node
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec, "status": status}


def pod_metrics(
    name: str, labels: dict[str, str], *, at: datetime, window: str, cpu: dict[str, str]
) -> dict[str, Any]:
    """metrics-server's PodMetrics: CPU in nanocores, memory in Ki."""
    return {
        "apiVersion": "metrics.k8s.io/v1beta1",
        "kind": "PodMetrics",
        "metadata": {
            "name": name,
            "namespace": NAMESPACE,
            "creationTimestamp": rfc3339(at + timedelta(seconds=8)),
            "labels": labels,
        },
        "timestamp": rfc3339(at),
        "window": window,
        "containers": [
            {"name": container, "usage": {"cpu": value, "memory": "15823476Ki"}}
            for container, value in cpu.items()
        ],
    }


def deployment(template_hash: str, *, now: datetime) -> dict[str, Any]:
    created = now - timedelta(days=12)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": APP,
            "namespace": NAMESPACE,
            "uid": f"uid-deployment-{APP}",
            "resourceVersion": "48213377",
            "generation": 9,
            "creationTimestamp": rfc3339(created),
            "annotations": {"deployment.kubernetes.io/revision": "3"},
        },
        "spec": {
            "replicas": 4,
            "selector": {"matchLabels": {"app": APP}},
            "template": {"metadata": {"labels": {"app": APP, "version": "v1"}}, "spec": {"containers": []}},
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
            },
            "revisionHistoryLimit": 10,
            "progressDeadlineSeconds": 600,
        },
        "status": {
            "observedGeneration": 9,
            "replicas": 4,
            "updatedReplicas": 4,
            "readyReplicas": 3,
            "availableReplicas": 3,
            "unavailableReplicas": 1,
            "conditions": [
                {
                    "type": "Available",
                    "status": "True",
                    "lastUpdateTime": rfc3339(created),
                    "lastTransitionTime": rfc3339(created),
                    "reason": "MinimumReplicasAvailable",
                    "message": "Deployment has minimum availability.",
                },
                {
                    "type": "Progressing",
                    "status": "True",
                    "lastUpdateTime": rfc3339(now - timedelta(hours=2)),
                    "lastTransitionTime": rfc3339(created),
                    "reason": "NewReplicaSetAvailable",
                    "message": f'ReplicaSet "{APP}-{template_hash}" has successfully progressed.',
                },
            ],
        },
    }


def hpa(*, now: datetime) -> dict[str, Any]:
    last_scale = now - timedelta(minutes=40)
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {
            "name": APP,
            "namespace": NAMESPACE,
            "uid": f"uid-hpa-{APP}",
            "resourceVersion": "48213402",
            "creationTimestamp": rfc3339(now - timedelta(days=12)),
            "managedFields": [
                {
                    "manager": "kube-controller-manager",
                    "operation": "Update",
                    "apiVersion": "autoscaling/v2",
                    "time": rfc3339(now - timedelta(seconds=15)),
                    "fieldsType": "FieldsV1",
                    "fieldsV1": {"f:status": {"f:conditions": {}, "f:currentMetrics": {}}},
                    "subresource": "status",
                }
            ],
        },
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": APP},
            "minReplicas": 2,
            "maxReplicas": 10,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}},
                },
                {
                    "type": "Pods",
                    "pods": {
                        "metric": {"name": QUEUE_METRIC},
                        "target": {"type": "AverageValue", "averageValue": "5"},
                    },
                },
            ],
            "behavior": {
                "scaleUp": {
                    "stabilizationWindowSeconds": 0,
                    "selectPolicy": "Max",
                    "policies": [
                        {"type": "Pods", "value": 2, "periodSeconds": 60},
                        {"type": "Percent", "value": 50, "periodSeconds": 60},
                    ],
                },
                "scaleDown": {
                    "stabilizationWindowSeconds": 300,
                    "selectPolicy": "Max",
                    "policies": [{"type": "Percent", "value": 25, "periodSeconds": 60}],
                },
            },
        },
        "status": {
            "lastScaleTime": rfc3339(last_scale),
            "currentReplicas": 4,
            "desiredReplicas": 4,
            "currentMetrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "current": {"averageValue": "1210m", "averageUtilization": 57},
                    },
                },
                {
                    "type": "Pods",
                    "pods": {"metric": {"name": QUEUE_METRIC}, "current": {"averageValue": "4"}},
                },
            ],
            "conditions": [
                _hpa_condition("AbleToScale", "True", last_scale, "ReadyForNewScale"),
                _hpa_condition("ScalingActive", "True", last_scale, "ValidMetricFound"),
                _hpa_condition("ScalingLimited", "False", last_scale, "DesiredWithinRange"),
            ],
        },
    }


def _hpa_condition(kind: str, status: str, since: datetime, reason: str) -> dict[str, str]:
    messages = {
        "ReadyForNewScale": "recommended size matches current size",
        "ValidMetricFound": "the HPA was able to successfully calculate a replica count from cpu resource "
        "utilization (percentage of request)",
        "DesiredWithinRange": "the desired count is within the acceptable range",
    }
    return {
        "type": kind,
        "status": status,
        "lastTransitionTime": rfc3339(since),
        "reason": reason,
        "message": messages[reason],
    }


# -- fixtures ---------------------------------------------------------------------------------------


@dataclass
class Captured:
    """kubectl's stdout for each part of the input, and what the test needs to read it."""

    now: datetime
    hpa: str
    scale: str
    pods: str
    pod_metrics: str
    custom_metrics: str
    scale_subresource: str  # kubectl get deployment --subresource=scale -o json
    pod_metrics_list: str  # kubectl get podmetrics -l ... -o json
    names: dict[str, str]  # role -> pod name
    fake: FakeKubeObjects

    def document(self, *, scale: str | None = None, pod_metrics: str | None = None) -> str:
        """The ``hpa step`` input: kubectl's outputs pasted in unmodified."""
        return (
            f'{{"now": "{rfc3339(self.now)}",\n"hpa": {self.hpa},\n"scale": {scale or self.scale},\n'
            f'"pods": {self.pods},\n"podMetrics": {pod_metrics or self.pod_metrics},\n'
            f'"customMetrics": {{"{QUEUE_METRIC}": {self.custom_metrics}}}}}\n'
        )


def wait_for_saturated_queues(api_url: str, cache: Path, pods: list[str]) -> str:
    """The adapter's MetricValueList once every sandbox pod reports its full queue."""
    deadline = time.monotonic() + 60
    while True:
        result = kubectl(api_url, cache, "get", "--raw", CUSTOM_PATH)
        if result.returncode == 0:
            items = json.loads(result.stdout)["items"]
            values = {item["describedObject"]["name"]: item["value"] for item in items}
            if sorted(values) == sorted(pods) and set(values.values()) == {str(QUEUE_BOUND)}:
                return result.stdout
        assert time.monotonic() < deadline, f"queues never filled: {result.stdout or result.stderr}"
        time.sleep(0.5)


@pytest.fixture(scope="module")
def captured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Captured]:
    cache = tmp_path_factory.mktemp("kubectl-cache")
    scenario = parse_scenario(SCENARIO, source="<hpa step kubectl scenario>")
    with (
        running_stack(scenario) as stack,
        running_adapter(stack.prometheus.url, extra=["--cache-ttl=1"]) as api,
    ):
        truth = httpx.get(f"{stack.sandbox.url}/truth", timeout=5).json()
        served = list(truth["namespaces"][NAMESPACE][APP]["pods"])
        custom = wait_for_saturated_queues(api.url, cache, served)

    now = datetime.now(UTC).replace(microsecond=0)
    prefix = served[0].rsplit("-", 1)[0]
    template_hash = prefix.rsplit("-", 1)[1]
    pending = f"{prefix}-bq4xz"
    assert pending not in served
    names = dict(zip(("steady-a", "steady-b", "warming", "deleting"), served, strict=True)) | {
        "pending": pending
    }
    long_ago = now - timedelta(hours=2)

    fake = FakeKubeObjects()
    fake.add(
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}, "spec": {}, "status": {}}
    )
    fake.add(deployment(template_hash, now=now))
    fake.add(hpa(now=now))
    # role -> (created, Ready since or None for Pending, node, pod IP, being deleted)
    layout: dict[str, tuple[datetime, datetime | None, str, str | None, bool]] = {
        "steady-a": (long_ago, long_ago + timedelta(seconds=95), "gpu-node-1", "10.64.1.11", False),
        "steady-b": (long_ago, long_ago + timedelta(seconds=101), "gpu-node-2", "10.64.2.11", False),
        "warming": (
            now - timedelta(seconds=92),
            now - timedelta(seconds=20),
            "gpu-node-3",
            "10.64.3.14",
            False,
        ),
        "deleting": (long_ago, long_ago + timedelta(seconds=97), "gpu-node-3", "10.64.3.11", True),
        "pending": (now - timedelta(seconds=6), None, "gpu-node-4", None, False),
    }
    for role, (created, ready_since, node, ip, deleting) in layout.items():
        fake.add(
            pod(
                names[role],
                template_hash,
                now=now,
                created=created,
                ready_since=ready_since,
                node=node,
                ip=ip,
                deleting=deleting,
            )
        )
    other = pod(
        "resnet-6b7f9c8d4-kq2lm",
        "6b7f9c8d4",
        now=now,
        created=long_ago,
        ready_since=long_ago,
        node="gpu-node-1",
        ip="10.64.1.12",
    )
    other["metadata"]["labels"] = {"app": "resnet", "pod-template-hash": "6b7f9c8d4"}
    fake.add(other)

    sampled = now - timedelta(seconds=8)
    labels = {"app": APP, "pod-template-hash": template_hash, "version": "v1"}
    for role, cpu in (
        ("steady-a", {"vllm": "1742315870n", "istio-proxy": "51203344n"}),
        ("steady-b", {"vllm": "1688004512n", "istio-proxy": "47998120n"}),
        ("warming", {"vllm": "612480097n", "istio-proxy": "20005811n"}),
        ("deleting", {"vllm": "130122876n", "istio-proxy": "9001233n"}),
    ):
        fake.add(pod_metrics(names[role], labels, at=sampled, window="15.043s", cpu=cpu))
    fake.add(
        pod_metrics(
            "resnet-6b7f9c8d4-kq2lm",
            {"app": "resnet"},
            at=sampled,
            window="14.859s",
            cpu={"triton": "1900000000n", "istio-proxy": "60000000n"},
        )
    )

    with fake.serve() as server:
        yield Captured(
            now=now,
            hpa=stdout_of(server, cache, "get", "hpa", APP, "-n", NAMESPACE, "-o", "json"),
            scale=stdout_of(
                server, cache, "get", "--raw", f"/apis/apps/v1/namespaces/{NAMESPACE}/deployments/{APP}/scale"
            ),
            pods=stdout_of(server, cache, "get", "pods", "-n", NAMESPACE, "-l", f"app={APP}", "-o", "json"),
            pod_metrics=stdout_of(
                server,
                cache,
                "get",
                "--raw",
                f"/apis/metrics.k8s.io/v1beta1/namespaces/{NAMESPACE}/pods?labelSelector=app%3D{APP}",
            ),
            custom_metrics=custom,
            scale_subresource=stdout_of(
                server, cache, "get", "deployment", APP, "-n", NAMESPACE, "--subresource=scale", "-o", "json"
            ),
            pod_metrics_list=stdout_of(
                server, cache, "get", "podmetrics", "-n", NAMESPACE, "-l", f"app={APP}", "-o", "json"
            ),
            names=names,
            fake=fake,
        )


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


# -- tests ------------------------------------------------------------------------------------------


def test_kubectl_prints_what_the_api_serves(captured: Captured) -> None:
    pods = json.loads(captured.pods)
    # kubectl -o json prints a collection as a v1 List, and types each item the API listed untyped
    assert (pods["kind"], pods["apiVersion"], pods["metadata"]) == ("List", "v1", {"resourceVersion": ""})
    assert sorted(item["metadata"]["name"] for item in pods["items"]) == sorted(captured.names.values())
    assert {(item["kind"], item["apiVersion"]) for item in pods["items"]} == {("Pod", "v1")}
    listed = [r for r in captured.fake.requests if r.path == f"/api/v1/namespaces/{NAMESPACE}/pods"]
    assert [r.query for r in listed] == [f"labelSelector=app%3D{APP}&limit=500"]
    # managedFields were served but kubectl drops them unless --show-managed-fields; nulls survive
    assert "managedFields" not in json.loads(captured.hpa)["metadata"]
    assert all("managedFields" not in item["metadata"] for item in pods["items"])
    assert pods["items"][0]["status"]["conditions"][0]["lastProbeTime"] is None
    # --raw prints the body as served: compact JSON, list items untyped
    scale = json.loads(captured.scale)
    assert (scale["kind"], scale["apiVersion"], scale["spec"], scale["status"]) == (
        "Scale",
        "autoscaling/v1",
        {"replicas": 4},
        {"replicas": 4, "selector": f"app={APP}"},
    )
    metrics = json.loads(captured.pod_metrics)
    assert metrics["kind"] == "PodMetricsList"
    assert all("kind" not in item for item in metrics["items"])
    assert len(metrics["items"]) == 4, "the resnet pod's metrics are filtered out by the label selector"
    custom = json.loads(captured.custom_metrics)
    assert (custom["kind"], custom["apiVersion"]) == ("MetricValueList", "custom.metrics.k8s.io/v1beta2")


def test_hpa_step_on_kubectl_output(captured: Captured, app: typer.Typer, tmp_path: Path) -> None:
    source = tmp_path / "step.json"
    source.write_text(captured.document(), encoding="utf-8")
    result = CliRunner().invoke(app, ["hpa", "step", "--input", str(source)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    n = captured.names
    # cpu (target 60% of 2000m + 100m = 2100m per pod; istio-init is not a sidecar): MilliValue rounds
    #   up, so steady-a uses 1743m + 52m = 1795m and steady-b 1689m + 48m = 1737m. warming became
    #   ready 20 s ago and its 8 s-old 15.043 s sample started before that -> unready; deleting is
    #   ignored, pending is unready. trunc(100 * 3532 / 4200) = 84% -> 1.4, above 1 with unready pods:
    #   they count as 0 -> trunc(353200 / 8400) = 42% -> 0.7 flips direction -> hold at 4.
    # queue (target average 5): no readiness checks, so steady-a, steady-b and warming are ready
    #   with 12 each -> 12 / 5 = 2.4; pending counts 0 -> trunc(36 / 4) = 9 -> 1.8 -> ceil(7.2) = 8.
    assert [p["replicas"] for p in out["metricProposals"]] == [4, 8]
    assert out["metricProposals"][0]["pods"] == {
        "ready": sorted([n["steady-a"], n["steady-b"]]),
        "unready": sorted([n["warming"], n["pending"]]),
        "missing": [],
        "ignored": [n["deleting"]],
    }
    assert out["metricProposals"][1]["pods"] == {
        "ready": sorted([n["steady-a"], n["steady-b"], n["warming"]]),
        "unready": [n["pending"]],
        "missing": [],
        "ignored": [n["deleting"]],
    }
    assert out["currentMetrics"][0]["resource"]["current"] == {
        "averageValue": "1766m",
        "averageUtilization": 84,
    }
    assert out["currentMetrics"][1]["pods"]["current"] == {"averageValue": "12"}
    # behavior: seeded with 4, scale-up window 0 -> 8; no scale-up events in the 60 s periods:
    #   max(4 + 2, ceil(4 * 1.5)) = 6 < maxReplicas 10 -> limited to 6
    assert (out["desiredReplicas"], out["scaleUpdated"], out["error"]) == (6, True, None)
    limited = next(c for c in out["conditions"] if c["type"] == "ScalingLimited")
    assert (limited["status"], limited["reason"]) == ("True", "ScaleUpLimit")
    assert [r["replicas"] for r in out["state"]["recommendations"]] == [4, 8]
    assert [e["replicaChange"] for e in out["state"]["scaleUpEvents"]] == [2]


def test_hpa_explain_on_kubectl_output(captured: Captured, app: typer.Typer, tmp_path: Path) -> None:
    source = tmp_path / "step.json"
    source.write_text(captured.document(), encoding="utf-8")
    result = CliRunner().invoke(app, ["hpa", "explain", "--input", str(source)])
    assert result.exit_code == 0, result.output
    text = result.output
    assert f"HPA {NAMESPACE}/{APP} scales Deployment/{APP}: current replicas 4 (status.replicas 4)" in text
    assert f"Winning proposal: 8 replicas from pods metric {QUEUE_METRIC}." in text
    assert (
        f"{captured.names['warming']} (CPU sample does not cover a full window since the pod became ready)"
        in text
    )
    assert f"{captured.names['pending']} (phase Pending)" in text
    assert f"{captured.names['deleting']} (deletion timestamp set)" in text
    assert "usage ratio 1.4000 (0.7000 after rebalancing) -> proposes 4 replicas, the current count" in text
    assert "usage ratio 2.4000 (1.8000 after rebalancing) -> proposes 8 replicas from 3 ready pods" in text
    assert "Limited to 6 by ScaleUpLimit" in text
    assert "Result: scale from 4 to 6 replicas." in text


def test_printed_lists_and_subresources_give_the_same_decision(
    captured: Captured, app: typer.Typer, tmp_path: Path
) -> None:
    """``kubectl get podmetrics -o json`` (a typed ``List``) and ``get --subresource=scale`` work too."""
    assert json.loads(captured.pod_metrics_list)["kind"] == "List"
    assert json.loads(captured.scale_subresource)["kind"] == "Scale"
    outputs = []
    for name, document in (
        ("raw", captured.document()),
        (
            "printed",
            captured.document(scale=captured.scale_subresource, pod_metrics=captured.pod_metrics_list),
        ),
    ):
        source = tmp_path / f"{name}.json"
        source.write_text(document, encoding="utf-8")
        result = CliRunner().invoke(app, ["hpa", "step", "--input", str(source)])
        assert result.exit_code == 0, result.output
        outputs.append(json.loads(result.output))
    assert outputs[1]["desiredReplicas"] == 6
    assert outputs[1]["metricProposals"] == outputs[0]["metricProposals"]
    assert outputs[1]["currentMetrics"] == outputs[0]["currentMetrics"]

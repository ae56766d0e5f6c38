"""kube-state-metrics series for the sandbox's pods, ReplicaSets, Deployments and HPAs.

Pods: ``kube_pod_info``, ``kube_pod_labels``, ``kube_pod_owner``, ``kube_pod_status_ready``
(one series per condition ``true``/``false``/``unknown``, exactly one of them 1),
``kube_pod_container_resource_requests`` of one ``nvidia.com/gpu`` per pod (a MIG instance too, as
the GPU operator's ``single`` MIG strategy exposes it). ReplicaSets:
``kube_replicaset_owner`` (pod -> ReplicaSet -> Deployment joins). Deployments: spec and status
replicas. HPAs (models with ``hpa:``): min/max from the scenario, current = pods, desired = the
replicas last set.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric

from autoscaler.sandbox.deployment import DeploymentState
from autoscaler.sandbox.naming import object_uid, pod_template_hash

POD = ("namespace", "pod", "uid")
DEPLOYMENT = ("namespace", "deployment")
HPA = ("namespace", "horizontalpodautoscaler")


def _gauge(name: str, help_text: str, labels: tuple[str, ...]) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, help_text, labels=labels)


def pod_families(deployments: list[DeploymentState]) -> Iterator[Metric]:
    """Per-pod information, labels, owner and readiness."""
    info = _gauge(
        "kube_pod_info",
        "Information about pod.",
        (*POD, "host_ip", "pod_ip", "node", "created_by_kind", "created_by_name", "host_network"),
    )
    labels = _gauge(
        "kube_pod_labels",
        "Kubernetes labels converted to Prometheus labels.",
        (*POD, "label_app", "label_version", "label_pod_template_hash"),
    )
    owner = _gauge(
        "kube_pod_owner",
        "Information about the Pod's owner.",
        (*POD, "owner_kind", "owner_name", "owner_is_controller"),
    )
    ready = _gauge(
        "kube_pod_status_ready", "Describes whether the pod is ready to serve requests.", (*POD, "condition")
    )
    requests = _gauge(
        "kube_pod_container_resource_requests",
        "The number of requested request resource by a container.",
        (*POD, "container", "node", "resource", "unit"),
    )
    for state in deployments:
        flags = state.ready.tolist()
        for pod, is_ready in zip(state.pods, flags, strict=True):
            ids = [pod.namespace, pod.name, pod.uid]
            info.add_metric(
                [*ids, pod.slot.node_ip, pod.ip, pod.slot.node, "ReplicaSet", pod.replicaset, "false"], 1
            )
            labels.add_metric([*ids, pod.deployment, "v1", pod.template_hash], 1)
            owner.add_metric([*ids, "ReplicaSet", pod.replicaset, "true"], 1)
            ready.add_metric([*ids, "true"], 1 if is_ready else 0)
            ready.add_metric([*ids, "false"], 0 if is_ready else 1)
            ready.add_metric([*ids, "unknown"], 0)
            requests.add_metric(
                [*ids, state.spec.server.value, pod.slot.node, "nvidia_com_gpu", "integer"], 1
            )
    yield from (info, labels, owner, ready, requests)


def workload_families(deployments: list[DeploymentState]) -> Iterator[Metric]:
    """ReplicaSet owners, Deployment replicas and HPA bounds/status."""
    rs_owner = _gauge(
        "kube_replicaset_owner",
        "Information about the ReplicaSet's owner.",
        ("namespace", "replicaset", "uid", "owner_kind", "owner_name", "owner_is_controller"),
    )
    spec_replicas = _gauge(
        "kube_deployment_spec_replicas", "Number of desired pods for a deployment.", DEPLOYMENT
    )
    status = {
        suffix: _gauge(
            f"kube_deployment_status_{suffix}", f"The number of {text} per deployment.", DEPLOYMENT
        )
        for suffix, text in (
            ("replicas", "replicas"),
            ("replicas_available", "available replicas"),
            ("replicas_ready", "ready replicas"),
            ("replicas_unavailable", "unavailable replicas"),
        )
    }
    hpa_min = _gauge("kube_horizontalpodautoscaler_spec_min_replicas", "Lower limit for pods.", HPA)
    hpa_max = _gauge("kube_horizontalpodautoscaler_spec_max_replicas", "Upper limit for pods.", HPA)
    hpa_current = _gauge(
        "kube_horizontalpodautoscaler_status_current_replicas", "Current number of replicas of pods.", HPA
    )
    hpa_desired = _gauge(
        "kube_horizontalpodautoscaler_status_desired_replicas", "Desired number of replicas of pods.", HPA
    )
    for state in deployments:
        spec = state.spec
        ids = [spec.namespace, spec.name]
        replicaset = f"{spec.name}-{pod_template_hash(spec.namespace, spec.name)}"
        uid = object_uid("replicaset", spec.namespace, replicaset)
        rs_owner.add_metric([spec.namespace, replicaset, uid, "Deployment", spec.name, "true"], 1)
        pods = len(state.pods)
        ready = int(state.ready.sum())
        spec_replicas.add_metric(ids, state.desired_replicas)
        status["replicas"].add_metric(ids, pods)
        status["replicas_available"].add_metric(ids, ready)
        status["replicas_ready"].add_metric(ids, ready)
        status["replicas_unavailable"].add_metric(ids, max(0, state.desired_replicas - ready))
        if spec.hpa is not None:
            hpa_min.add_metric(ids, spec.hpa.min_replicas)
            hpa_max.add_metric(ids, spec.hpa.max_replicas)
            hpa_current.add_metric(ids, pods)
            hpa_desired.add_metric(ids, state.desired_replicas)
    yield rs_owner
    yield spec_replicas
    yield from status.values()
    yield from (hpa_min, hpa_max, hpa_current, hpa_desired)

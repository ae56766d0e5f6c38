"""The fleet's shape: namespaces, Deployments, pods, and the 2,000 HPAs' metric requests.

Deterministic (no randomness): pod ``i`` of Deployment ``d`` in namespace ``n`` has a fixed
request rate, GPU utilisation and queue depth, so a run can be compared with another.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

TEMPLATE_HASH = "7d9f8c6b5"
CUSTOM = "/apis/custom.metrics.k8s.io"
EXTERNAL = "/apis/external.metrics.k8s.io/v1beta1"


@dataclass(frozen=True)
class Fleet:
    namespaces: int = 200
    deployments_per_namespace: int = 10
    pods_per_deployment: int = 5

    @property
    def pods(self) -> int:
        return self.namespaces * self.deployments_per_namespace * self.pods_per_deployment

    @property
    def hpas(self) -> int:
        return self.namespaces * self.deployments_per_namespace

    def namespace(self, n: int) -> str:
        return f"ns-{n:03d}"

    def deployment(self, d: int) -> str:
        return f"model-{d}"

    def each_pod(self) -> Iterator[tuple[str, str, str, int]]:
        """(namespace, deployment, pod, index) for every pod."""
        index = 0
        for n in range(self.namespaces):
            for d in range(self.deployments_per_namespace):
                for i in range(self.pods_per_deployment):
                    pod = f"{self.deployment(d)}-{TEMPLATE_HASH}-{i:05d}"
                    yield self.namespace(n), self.deployment(d), pod, index
                    index += 1

    def queues(self) -> list[str]:
        return [f"{self.namespace(n)}-jobs" for n in range(self.namespaces)]


def request_rate(index: int) -> float:
    return 4.0 + (index % 13) * 0.5


def hpa_paths(fleet: Fleet) -> list[str]:
    """One request per HPA, as the controller sends them every 15 s: half pods request rates
    (v1beta2), a fifth GPU utilisation (v1beta1), a fifth Deployment objects, a tenth external
    queue lengths; label selectors on the pods requests."""
    paths = []
    hpa = 0
    for n in range(fleet.namespaces):
        ns = fleet.namespace(n)
        for d in range(fleet.deployments_per_namespace):
            dep = fleet.deployment(d)
            kind = hpa % 10
            v1, v2, selector = (
                f"{CUSTOM}/v1beta1/namespaces/{ns}",
                f"{CUSTOM}/v1beta2/namespaces/{ns}",
                f"app%3D{dep}",
            )
            if kind < 5:
                path = f"{v2}/pods/%2A/istio_requests_per_second?labelSelector={selector}"
            elif kind < 7:
                path = f"{v1}/pods/%2A/gpu_utilization_percent?labelSelector={selector}"
            elif kind < 8:
                path = f"{v2}/deployments.apps/{dep}/istio_requests_per_second"
            elif kind < 9:
                path = f"{v1}/deployments.apps/{dep}/inference_queue_depth"
            else:
                queue = f"queue%3D{ns}-jobs"
                path = f"{EXTERNAL}/namespaces/{ns}/rabbitmq_queue_messages_ready?labelSelector={queue}"
            paths.append(path)
            hpa += 1
    return paths

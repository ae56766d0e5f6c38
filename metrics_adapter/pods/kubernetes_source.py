"""Fills the pod cache from the Kubernetes API: one LIST, then a WATCH from its resourceVersion.

Uses the official ``kubernetes`` client, which is synchronous, in a daemon thread; the snapshot
is swapped atomically so readers never lock. On a watch error (410 Gone, dropped connection) it
re-lists after ``retry_seconds``; a watch that ends (timeout, or a connection closed mid-stream) is
followed by a fresh LIST at once, since events may have been lost. Each LIST and each end is logged.
Knows nothing about metrics or Prometheus.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

from kubernetes import client as k8s_client
from kubernetes import watch as k8s_watch

from metrics_adapter.kube import LabelSelector
from metrics_adapter.pods.index import PodIndex, PodInfo

log = logging.getLogger(__name__)


def workload_of(
    owner_references: list[Any] | None, labels: Mapping[str, str]
) -> tuple[str | None, str | None]:
    """(kind, name) of the workload owning a pod; a ReplicaSet maps to its Deployment.

    A Deployment's ReplicaSet is named ``<deployment>-<pod-template-hash>`` and its pods carry
    ``pod-template-hash``; that convention gives the Deployment without another API call.
    """
    for ref in owner_references or ():
        if not getattr(ref, "controller", False):
            continue
        kind, name = ref.kind, ref.name
        template_hash = labels.get("pod-template-hash")
        if kind == "ReplicaSet" and template_hash and name.endswith(f"-{template_hash}"):
            return "Deployment", name[: -len(template_hash) - 1]
        return kind, name
    return None, None


def pod_info_from_object(pod: Any) -> PodInfo:
    """Convert a ``V1Pod`` from the client into a :class:`PodInfo`."""
    labels = dict(pod.metadata.labels or {})
    kind, name = workload_of(pod.metadata.owner_references, labels)
    ready = any(c.type == "Ready" and c.status == "True" for c in (pod.status.conditions or ()))
    return PodInfo(
        namespace=pod.metadata.namespace,
        name=pod.metadata.name,
        labels=labels,
        ready=ready,
        phase=pod.status.phase or "Unknown",
        workload_kind=kind,
        workload=name,
    )


class KubernetesPodWatcher:
    """A :class:`~metrics_adapter.pods.PodLister` kept current by list+watch."""

    def __init__(
        self,
        api_client: k8s_client.ApiClient,
        *,
        namespace: str | None = None,
        watch_timeout_seconds: int = 300,
        retry_seconds: float = 2.0,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        self._core = k8s_client.CoreV1Api(api_client)
        self._namespace = namespace
        self._watch_timeout = watch_timeout_seconds
        self._retry = retry_seconds
        self._on_error = on_error
        self._pods: dict[tuple[str, str], PodInfo] = {}
        self._index = PodIndex(synced=False)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._watch: k8s_watch.Watch | None = None

    @property
    def synced(self) -> bool:
        return self._index.synced

    def select(self, namespace: str, selector: LabelSelector) -> list[PodInfo]:
        return self._index.select(namespace, selector)

    def owned_by(self, namespace: str, *, kind: str, name: str) -> list[PodInfo]:
        return self._index.owned_by(namespace, kind=kind, name=name)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="pod-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._watch is not None:
            self._watch.stop()  # type: ignore[no-untyped-call]
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _list(self) -> str:
        result: Any
        if self._namespace:
            result = self._core.list_namespaced_pod(self._namespace)
        else:
            result = self._core.list_pod_for_all_namespaces()
        self._pods = {(p.metadata.namespace, p.metadata.name): pod_info_from_object(p) for p in result.items}
        self._publish()
        log.info("pod cache listed %d pods", len(self._pods))
        return str(result.metadata.resource_version)

    def _publish(self) -> None:
        self._index = PodIndex(self._pods.values(), synced=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                resource_version = self._list()
                self._watch = k8s_watch.Watch()  # type: ignore[no-untyped-call]
                lister = (
                    self._core.list_namespaced_pod
                    if self._namespace
                    else self._core.list_pod_for_all_namespaces
                )
                kwargs: dict[str, Any] = {
                    "resource_version": resource_version,
                    "timeout_seconds": self._watch_timeout,
                }
                if self._namespace:
                    kwargs["namespace"] = self._namespace
                for event in self._watch.stream(lister, **kwargs):  # type: ignore[no-untyped-call]
                    if self._stop.is_set():
                        return
                    self._apply(event["type"], event["object"])
                if not self._stop.is_set():
                    # A timeout, or a connection the server or a proxy closed: events may be lost.
                    log.info("pod watch ended after resourceVersion %s, re-listing", resource_version)
            except Exception as exc:  # the watch must survive any API or network failure
                log.warning("pod watch failed, re-listing in %.0fs: %s", self._retry, exc)
                if self._on_error is not None:
                    self._on_error(exc)
                self._stop.wait(self._retry)

    def _apply(self, event_type: str, pod: Any) -> None:
        key = (pod.metadata.namespace, pod.metadata.name)
        if event_type == "DELETED":
            self._pods.pop(key, None)
        elif event_type in ("ADDED", "MODIFIED"):
            self._pods[key] = pod_info_from_object(pod)
        else:
            return
        self._publish()

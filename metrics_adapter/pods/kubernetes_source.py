"""Fills the pod cache from the Kubernetes API: one LIST, then a WATCH from its resourceVersion.

Uses the official ``kubernetes`` client, which is synchronous, in a daemon thread; the snapshot
is swapped atomically so readers never lock. On a watch error (an ``ERROR`` event such as 410 Gone,
a dropped connection) it re-lists after ``retry_seconds``; a watch that ends (timeout, or a
connection closed mid-stream) is followed by a fresh LIST at once, since events may have been lost.
Each LIST and each end is logged. Knows nothing about metrics or Prometheus.

The client carries the requests (kubeconfig, TLS, tokens) but does not build its ``V1Pod`` models:
they cost about 0.7 ms per pod, so a 10,000-pod LIST, repeated after every watch timeout, held the
GIL for seconds while requests waited. Bodies are decoded with orjson and only the fields a
:class:`PodInfo` needs are read. A watch event rebuilds the snapshot of its own namespace only
(:meth:`PodIndex.with_namespace`), not the whole cluster's.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

import orjson
from kubernetes import client as k8s_client
from kubernetes.watch.watch import iter_resp_lines

from metrics_adapter.kube import LabelSelector
from metrics_adapter.pods.index import PodIndex, PodInfo

log = logging.getLogger(__name__)


class WatchErrorEvent(RuntimeError):
    """The API server ended a watch with an ``ERROR`` event (e.g. 410 Gone): re-list."""


def workload_of(
    owner_references: list[Mapping[str, Any]] | None, labels: Mapping[str, str]
) -> tuple[str | None, str | None]:
    """(kind, name) of the workload owning a pod; a ReplicaSet maps to its Deployment.

    A Deployment's ReplicaSet is named ``<deployment>-<pod-template-hash>`` and its pods carry
    ``pod-template-hash``; that convention gives the Deployment without another API call.
    """
    for ref in owner_references or ():
        if not ref.get("controller", False):
            continue
        kind, name = ref.get("kind"), ref.get("name")
        template_hash = labels.get("pod-template-hash")
        if kind == "ReplicaSet" and template_hash and name and name.endswith(f"-{template_hash}"):
            return "Deployment", name[: -len(template_hash) - 1]
        return kind, name
    return None, None


def pod_info_from_wire(pod: Mapping[str, Any]) -> PodInfo:
    """Convert a Pod as the API server writes it (decoded JSON) into a :class:`PodInfo`."""
    metadata = pod["metadata"]
    status = pod.get("status") or {}
    labels = dict(metadata.get("labels") or {})
    kind, name = workload_of(metadata.get("ownerReferences"), labels)
    conditions = status.get("conditions") or ()
    return PodInfo(
        namespace=metadata["namespace"],
        name=metadata["name"],
        labels=labels,
        ready=any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions),
        phase=status.get("phase") or "Unknown",
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
        self._pods: dict[str, dict[str, PodInfo]] = {}  # namespace -> name -> pod
        self._index = PodIndex(synced=False)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._response: Any = None  # the open WATCH, closed by stop()

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
        response = self._response
        if response is not None:
            # shutdown() wakes the watch thread blocked reading a quiet WATCH; close() alone does not.
            with contextlib.suppress(ValueError, RuntimeError, OSError):
                response.shutdown()
            response.close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _request(self, **params: Any) -> Any:
        """One LIST or WATCH of pods as a raw urllib3 response (non-2xx raise ``ApiException``)."""
        if self._namespace:
            return self._core.list_namespaced_pod(self._namespace, _preload_content=False, **params)
        return self._core.list_pod_for_all_namespaces(_preload_content=False, **params)

    def _list(self) -> str:
        response = self._request()
        try:
            body = orjson.loads(response.data)
        finally:
            response.release_conn()
        self._pods = {}
        for item in body.get("items") or ():
            info = pod_info_from_wire(item)
            self._pods.setdefault(info.namespace, {})[info.name] = info
        self._index = PodIndex((pod for pods in self._pods.values() for pod in pods.values()), synced=True)
        log.info("pod cache listed %d pods", len(self._index))
        return str(body["metadata"]["resourceVersion"])

    def _watch(self, resource_version: str) -> None:
        """Apply the events of one WATCH until it ends; an ``ERROR`` event raises."""
        self._response = response = self._request(
            watch=True, resource_version=resource_version, timeout_seconds=self._watch_timeout
        )
        try:
            if self._stop.is_set():  # stop() came before the response existed to be closed
                return
            for line in iter_resp_lines(response):  # type: ignore[no-untyped-call]
                if self._stop.is_set():
                    return
                if line:
                    event = orjson.loads(line)
                    if event["type"] == "ERROR":
                        status = event.get("object") or {}
                        raise WatchErrorEvent(
                            f"watch ended with {status.get('code')} {status.get('reason')}: "
                            f"{status.get('message', '')}"
                        )
                    self._apply(event["type"], event["object"])
        finally:
            self._response = None
            response.release_conn()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                resource_version = self._list()
                self._watch(resource_version)
                if not self._stop.is_set():
                    # A timeout, or a connection the server or a proxy closed: events may be lost.
                    log.info("pod watch ended after resourceVersion %s, re-listing", resource_version)
            except Exception as exc:  # the watch must survive any API or network failure
                if self._stop.is_set():
                    return
                log.warning("pod watch failed, re-listing in %.0fs: %s", self._retry, exc)
                if self._on_error is not None:
                    self._on_error(exc)
                self._stop.wait(self._retry)

    def _apply(self, event_type: str, pod: Mapping[str, Any]) -> None:
        if event_type == "DELETED":
            namespace = pod["metadata"]["namespace"]
            self._pods.get(namespace, {}).pop(pod["metadata"]["name"], None)
        elif event_type in ("ADDED", "MODIFIED"):
            info = pod_info_from_wire(pod)
            namespace = info.namespace
            self._pods.setdefault(namespace, {})[info.name] = info
        else:  # BOOKMARK, or a type added later
            return
        pods = self._pods.get(namespace, {})
        if not pods:
            self._pods.pop(namespace, None)
        self._index = self._index.with_namespace(namespace, pods.values())

"""Fills the pod cache from kube-state-metrics series stored in Prometheus.

For ``--pods-from-prometheus``: clusters that run kube-state-metrics, and the sandbox. Each
refresh runs a few instant queries (off the request path): ``kube_pod_labels`` (labels, keys
sanitised), ``kube_pod_info`` (every pod, even one without labels), ``kube_pod_status_ready``
and ``kube_pod_owner``. A refresh that fails keeps the previous snapshot; before the first
success the cache reports ``synced = False``. An empty ``kube_pod_info`` is not a listing (a
cluster always runs kube-state-metrics' own pod): it means the series are not there yet, e.g.
Prometheus restarted with an empty TSDB, so it counts as a failed refresh, never as "no pods".
Knows nothing about metric definitions.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from metrics_adapter.kube import LabelSelector
from metrics_adapter.pods.index import PodIndex, PodInfo, SanitizedLabels
from metrics_adapter.promql import InstantVector, PrometheusClient, PrometheusError, Selector, eq

log = logging.getLogger(__name__)

_LABEL_PREFIX = "label_"


class PodSourceEmptyError(RuntimeError):
    """Prometheus holds no ``kube_pod_info`` series: there is no listing to build a snapshot from."""


def _workload(
    owner_kind: str | None, owner_name: str | None, template_hash: str | None
) -> tuple[str | None, str | None]:
    if (
        owner_kind == "ReplicaSet"
        and owner_name
        and template_hash
        and owner_name.endswith(f"-{template_hash}")
    ):
        return "Deployment", owner_name[: -len(template_hash) - 1]
    if owner_kind and owner_kind != "<none>":
        return owner_kind, owner_name
    return None, None


def build_index(
    *,
    info: InstantVector,
    labels: InstantVector,
    ready: InstantVector,
    owners: InstantVector,
) -> PodIndex:
    """Join the four kube-state-metrics vectors into one snapshot, keyed by (namespace, pod)."""
    pod_labels: dict[tuple[str, str], dict[str, str]] = {}
    for sample in labels:
        key = (sample.labels.get("namespace", ""), sample.labels.get("pod", ""))
        pod_labels[key] = {
            name[len(_LABEL_PREFIX) :]: value
            for name, value in sample.labels.items()
            if name.startswith(_LABEL_PREFIX) and value != ""
        }
    readiness = {
        (s.labels.get("namespace", ""), s.labels.get("pod", "")): s.value == 1
        for s in ready
        if s.labels.get("condition") == "true"
    }
    owner = {
        (s.labels.get("namespace", ""), s.labels.get("pod", "")): (
            s.labels.get("owner_kind"),
            s.labels.get("owner_name"),
        )
        for s in owners
        if s.labels.get("owner_is_controller", "true") == "true"
    }
    pods = []
    for sample in info:
        key = (sample.labels.get("namespace", ""), sample.labels.get("pod", ""))
        if not all(key):
            continue
        sanitized = pod_labels.get(key, {})
        owner_kind, owner_name = owner.get(
            key, (sample.labels.get("created_by_kind"), sample.labels.get("created_by_name"))
        )
        kind, name = _workload(owner_kind, owner_name, sanitized.get("pod_template_hash"))
        pods.append(
            PodInfo(
                namespace=key[0],
                name=key[1],
                labels=SanitizedLabels(sanitized),
                ready=readiness.get(key, False),
                workload_kind=kind,
                workload=name,
            )
        )
    return PodIndex(pods, synced=True)


class PrometheusPodSource:
    """A :class:`~metrics_adapter.pods.PodLister` refreshed from Prometheus every ``interval``."""

    def __init__(
        self,
        client: PrometheusClient,
        *,
        interval: float = 15.0,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        self._client = client
        self._interval = interval
        self._on_error = on_error
        self._index = PodIndex(synced=False)
        self._task: asyncio.Task[None] | None = None

    @property
    def synced(self) -> bool:
        return self._index.synced

    @property
    def index(self) -> PodIndex:
        return self._index

    def select(self, namespace: str, selector: LabelSelector) -> list[PodInfo]:
        return self._index.select(namespace, selector)

    def owned_by(self, namespace: str, *, kind: str, name: str) -> list[PodInfo]:
        return self._index.owned_by(namespace, kind=kind, name=name)

    async def _vector(self, metric: str, *matchers_eq: tuple[str, str]) -> InstantVector:
        result = await self._client.query(Selector(metric, tuple(eq(k, v) for k, v in matchers_eq)))
        if not isinstance(result, InstantVector):
            raise TypeError(f"{metric}: expected an instant vector")
        return result

    async def refresh(self) -> PodIndex:
        """Query kube-state-metrics once and swap in the new snapshot."""
        info, labels, ready, owners = await asyncio.gather(
            self._vector("kube_pod_info"),
            self._vector("kube_pod_labels"),
            self._vector("kube_pod_status_ready", ("condition", "true")),
            self._vector("kube_pod_owner"),
        )
        if info.is_empty:
            raise PodSourceEmptyError("kube_pod_info is empty: kube-state-metrics not scraped (yet)")
        # Thousands of pods take a tenth of a second or more to join: off the event loop.
        self._index = await asyncio.to_thread(
            build_index, info=info, labels=labels, ready=ready, owners=owners
        )
        return self._index

    async def run(self) -> None:
        """Refresh forever; errors keep the previous snapshot and are reported."""
        while True:
            try:
                await self.refresh()
            except (PrometheusError, PodSourceEmptyError, TypeError) as exc:
                log.warning("pod cache refresh from Prometheus failed: %s", exc)
                if self._on_error is not None:
                    self._on_error(exc)
            await asyncio.sleep(self._interval)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self.run(), name="pods-from-prometheus")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

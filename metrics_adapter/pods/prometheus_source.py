"""Fills the pod cache from kube-state-metrics series stored in Prometheus.

For ``--pods-from-prometheus``: clusters that run kube-state-metrics, and the sandbox. Each
refresh runs four instant queries, one after the other: ``kube_pod_info`` (every pod, even one
without labels), ``kube_pod_labels`` (labels, keys sanitised), ``kube_pod_status_ready`` and
``kube_pod_owner``, and joins them a slice at a time so the event loop answers requests in
between (a 10,000-pod join is about 100 ms of CPU; done in one go, or in a worker thread that
contends for the GIL, it held requests up by hundreds of milliseconds every refresh).

A refresh that fails keeps the previous snapshot; before the first success the cache reports
``synced = False``. An empty ``kube_pod_info`` is not a listing (a
cluster always runs kube-state-metrics' own pod): it means the series are not there yet, e.g.
Prometheus restarted with an empty TSDB, so it counts as a failed refresh, never as "no pods".
Knows nothing about metric definitions.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Generator, Iterator

from metrics_adapter.kube import LabelSelector
from metrics_adapter.pods.index import PodIndex, PodInfo, SanitizedLabels
from metrics_adapter.promql import InstantVector, PrometheusClient, PrometheusError, Sample, Selector, eq

log = logging.getLogger(__name__)

_LABEL_PREFIX = "label_"
_PREFIX_LENGTH = len(_LABEL_PREFIX)


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


# Samples joined between two returns to the event loop: a few milliseconds of work, so requests
# keep being answered while a 10,000-pod snapshot is built.
_SLICE = 500


def _slices(samples: tuple[Sample, ...]) -> Iterator[tuple[Sample, ...]]:
    for start in range(0, len(samples), _SLICE):
        yield samples[start : start + _SLICE]


def index_steps(
    *,
    info: InstantVector,
    labels: InstantVector,
    ready: InstantVector,
    owners: InstantVector,
) -> Generator[None, None, PodIndex]:
    """Join the four kube-state-metrics vectors into one snapshot, keyed by (namespace, pod).

    A generator that pauses after every slice of samples and returns the :class:`PodIndex`, so
    the caller decides where the pauses go (:func:`build_index` runs it straight through).
    """
    pod_labels: dict[tuple[str, str], dict[str, str]] = {}
    for part in _slices(labels.samples):
        for sample in part:
            get = sample.labels.get
            pod_labels[(get("namespace", ""), get("pod", ""))] = {
                name[_PREFIX_LENGTH:]: value
                for name, value in sample.labels.items()
                if value and name.startswith(_LABEL_PREFIX)
            }
        yield
    readiness: set[tuple[str, str]] = set()
    for part in _slices(ready.samples):
        for sample in part:
            get = sample.labels.get
            if get("condition") == "true" and sample.value == 1:
                readiness.add((get("namespace", ""), get("pod", "")))
        yield
    owner: dict[tuple[str, str], tuple[str | None, str | None]] = {}
    for part in _slices(owners.samples):
        for sample in part:
            get = sample.labels.get
            if get("owner_is_controller", "true") == "true":
                owner[(get("namespace", ""), get("pod", ""))] = (get("owner_kind"), get("owner_name"))
        yield
    pods = []
    for part in _slices(info.samples):
        for sample in part:
            get = sample.labels.get
            key = (get("namespace", ""), get("pod", ""))
            if not all(key):
                continue
            sanitized = pod_labels.get(key, {})
            owner_kind, owner_name = owner.get(key, (get("created_by_kind"), get("created_by_name")))
            kind, name = _workload(owner_kind, owner_name, sanitized.get("pod_template_hash"))
            pods.append(
                PodInfo(
                    namespace=key[0],
                    name=key[1],
                    labels=SanitizedLabels(sanitized),
                    ready=key in readiness,
                    workload_kind=kind,
                    workload=name,
                )
            )
        yield
    return PodIndex(pods, synced=True)


def build_index(
    *,
    info: InstantVector,
    labels: InstantVector,
    ready: InstantVector,
    owners: InstantVector,
) -> PodIndex:
    """:func:`index_steps` without pauses."""
    steps = index_steps(info=info, labels=labels, ready=ready, owners=owners)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            index: PodIndex = done.value
            return index


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
        """Query kube-state-metrics once and swap in the new snapshot.

        The four queries go one after the other and the join returns to the event loop after
        every slice: a refresh is background work, and requests are answered in its gaps.
        """
        info = await self._vector("kube_pod_info")
        if info.is_empty:
            raise PodSourceEmptyError("kube_pod_info is empty: kube-state-metrics not scraped (yet)")
        labels = await self._vector("kube_pod_labels")
        ready = await self._vector("kube_pod_status_ready", ("condition", "true"))
        owners = await self._vector("kube_pod_owner")
        steps = index_steps(info=info, labels=labels, ready=ready, owners=owners)
        while True:
            try:
                next(steps)
            except StopIteration as done:
                self._index = done.value
                return self._index
            await asyncio.sleep(0)

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

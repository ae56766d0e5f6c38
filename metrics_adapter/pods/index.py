"""An immutable snapshot of pods and the ``PodLister`` protocol the provider reads it through.

Knows nothing about where pods come from. Label selectors are matched with the Kubernetes
semantics of ``metrics_adapter.kube.LabelSelector``; pods learnt from kube-state-metrics carry
label keys in its sanitised form, which :class:`SanitizedLabels` makes transparent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from metrics_adapter.kube import LabelSelector

_NOT_LABEL_CHAR = re.compile(r"[^a-zA-Z0-9_]")


def sanitize_label_key(key: str) -> str:
    """kube-state-metrics' ``kube_pod_labels`` name for a Kubernetes label key, without ``label_``."""
    return _NOT_LABEL_CHAR.sub("_", key)


class SanitizedLabels(Mapping[str, str]):
    """Labels keyed by sanitised names, looked up with real Kubernetes keys.

    ``app.kubernetes.io/name`` finds the value kube-state-metrics stored as
    ``label_app_kubernetes_io_name``. Two keys that sanitise alike cannot be told apart; that is
    a limit of kube-state-metrics, documented for ``--pods-from-prometheus``.
    """

    def __init__(self, sanitized: Mapping[str, str]) -> None:
        self._labels = dict(sanitized)

    def __getitem__(self, key: str) -> str:
        return self._labels[sanitize_label_key(key)]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and sanitize_label_key(key) in self._labels

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)


@dataclass(frozen=True)
class PodInfo:
    """One pod as the provider needs it. ``workload`` is the owning Deployment's name, if any."""

    namespace: str
    name: str
    labels: Mapping[str, str] = field(default_factory=dict)
    ready: bool = True
    phase: str = "Running"
    workload_kind: str | None = None
    workload: str | None = None


class PodLister(Protocol):
    """What the provider asks of the pod cache."""

    def select(self, namespace: str, selector: LabelSelector) -> list[PodInfo]:
        """Pods of ``namespace`` that match ``selector`` (all of them for an empty selector)."""
        ...

    def owned_by(self, namespace: str, *, kind: str, name: str) -> list[PodInfo]:
        """Pods of ``namespace`` whose owning workload is ``kind``/``name``."""
        ...

    @property
    def synced(self) -> bool:
        """True once the first full listing arrived; before that answers would be wrong."""
        ...


_MAX_SELECTIONS = 4096


def _by_name(pods: Iterable[PodInfo]) -> tuple[PodInfo, ...]:
    return tuple(sorted(pods, key=lambda pod: pod.name))


class PodIndex:
    """An immutable snapshot, replaced whole by its source on every refresh.

    Selections are memoised per (namespace, selector): 2,000 HPAs asking every 15 s repeat the
    same few thousand selectors, and a snapshot never changes, so each is matched once per
    snapshot instead of once per request.
    """

    def __init__(self, pods: Iterable[PodInfo] = (), *, synced: bool = True) -> None:
        by_namespace: dict[str, list[PodInfo]] = {}
        for pod in pods:
            by_namespace.setdefault(pod.namespace, []).append(pod)
        self._by_namespace = {ns: _by_name(p) for ns, p in by_namespace.items()}
        self._synced = synced
        self._selections: dict[tuple[str, LabelSelector], tuple[PodInfo, ...]] = {}

    def with_namespace(self, namespace: str, pods: Iterable[PodInfo]) -> PodIndex:
        """This snapshot with ``namespace`` holding exactly ``pods``; the other namespaces are
        shared, not rebuilt, so a watch event costs one namespace, not the whole cluster."""
        made = PodIndex(synced=self._synced)
        made._by_namespace = dict(self._by_namespace)
        chosen = _by_name(pods)
        if chosen:
            made._by_namespace[namespace] = chosen
        else:
            made._by_namespace.pop(namespace, None)
        return made

    @property
    def synced(self) -> bool:
        return self._synced

    def __len__(self) -> int:
        return sum(len(pods) for pods in self._by_namespace.values())

    def pods(self, namespace: str) -> tuple[PodInfo, ...]:
        return self._by_namespace.get(namespace, ())

    def select(self, namespace: str, selector: LabelSelector) -> list[PodInfo]:
        key = (namespace, selector)
        chosen = self._selections.get(key)
        if chosen is None:
            if len(self._selections) >= _MAX_SELECTIONS:
                self._selections.clear()
            pods = self.pods(namespace)
            chosen = pods if selector.is_empty else tuple(p for p in pods if selector.matches(p.labels))
            self._selections[key] = chosen
        return list(chosen)

    def owned_by(self, namespace: str, *, kind: str, name: str) -> list[PodInfo]:
        return [p for p in self.pods(namespace) if p.workload_kind == kind and p.workload == name]

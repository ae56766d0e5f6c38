"""The label names the Prometheus scrape gives every series: which label holds the pod and the namespace.

The Prometheus Helm chart and Istio's PodMonitor write ``pod`` and ``namespace``; older charts and
many blog posts used ``kubernetes_pod_name`` and ``kubernetes_namespace``. Presets and user
metrics read these names from one place. Knows associations; nothing about queries or files.
"""

from __future__ import annotations

from dataclasses import dataclass

from .definition import NAMESPACES, PODS, Association

__all__ = ["ScrapeLabels"]


@dataclass(frozen=True)
class ScrapeLabels:
    pod: str = "pod"
    namespace: str = "namespace"

    def pods(self) -> Association:
        """``pods`` carried by the scrape's pod label, scoped by its namespace label."""
        return Association(PODS, self.pod, self.namespace)

    def namespaces(self) -> Association:
        """``namespaces`` carried by the scrape's namespace label."""
        return Association(NAMESPACES, self.namespace)

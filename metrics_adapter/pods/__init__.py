"""The pod cache: which pods exist, their labels, readiness and owning workload.

Pods requests are answered with one Prometheus query grouped by pod; this cache then keeps only
the pods that match the HPA's ``labelSelector``, so no pod-name regex ever reaches PromQL and no
pod that no longer exists is ever reported. Two sources fill it: a Kubernetes watch (in a
cluster) and kube-state-metrics series in Prometheus (``--pods-from-prometheus``).
"""

from metrics_adapter.pods.index import PodIndex, PodInfo, PodLister, SanitizedLabels, sanitize_label_key

__all__ = ["PodIndex", "PodInfo", "PodLister", "SanitizedLabels", "sanitize_label_key"]

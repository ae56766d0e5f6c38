"""The aggregator: serves custom.metrics.k8s.io and external.metrics.k8s.io from Prometheus.

Bottom layer of ServeScale. ``promql`` and ``kube`` import no package of ours; the API server
modules (provider, pods, convert, auth, api) build on ``promql``, ``kube`` and ``catalogue``.
"""

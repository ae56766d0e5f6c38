"""The ground truth of a fleet as a JSON document, for comparing what Prometheus reports with it.

Shape (camelCase keys; rates in requests/s, latencies in ms, None when nothing was served)::

    {"time": <fleet clock>, "elapsedSeconds": ...,
     "namespaces": {ns: {deployment: {"specReplicas", "replicas", "readyReplicas",
                                      "offeredRps", "unservedRps", "faults": {...},
                                      "pods": {pod: {"ready", "node", "arrivalRps", "responseRps",
                                                     "successRps", "errorRps", "rejectedRps",
                                                     "meanLatencyMs", "p95LatencyMs",
                                                     "queueDepth", "gpuUtilPercent"}}}}},
     "brokers": [{"vhost", "queue", "messagesReady", "publishRps", "drainRps", "consumers"}]}
"""

from __future__ import annotations

from typing import Any

from autoscaler.sandbox.faults import Faults
from autoscaler.sandbox.fleet import Fleet
from autoscaler.sandbox.pod import PodFigures

JsonObject = dict[str, Any]


def faults_document(faults: Faults) -> JsonObject:
    """Faults in the same camelCase form the HTTP API accepts."""
    return {
        "errorRate": faults.error_rate,
        "latencyMs": faults.latency_ms,
        "stallExporter": faults.stall_exporter,
    }


def _pod_document(figures: PodFigures) -> JsonObject:
    return {
        "ready": figures.ready,
        "node": figures.node,
        "arrivalRps": figures.arrival_rps,
        "responseRps": figures.response_rps,
        "successRps": figures.success_rps,
        "errorRps": figures.error_rps,
        "rejectedRps": figures.rejected_rps,
        "meanLatencyMs": figures.mean_latency_ms,
        "p95LatencyMs": figures.p95_latency_ms,
        "queueDepth": figures.queue_depth,
        "gpuUtilPercent": figures.gpu_util_percent,
    }


def truth_document(fleet: Fleet) -> JsonObject:
    """Every Deployment's and broker's current true figures."""
    namespaces: dict[str, JsonObject] = {}
    for state in fleet.deployments():
        spec = state.spec
        status = fleet.replica_status(spec.namespace, spec.name)
        pods = {
            pod.name: _pod_document(figures) for pod, figures in zip(state.pods, state.figures(), strict=True)
        }
        namespaces.setdefault(spec.namespace, {})[spec.name] = {
            "specReplicas": status.spec_replicas,
            "replicas": status.replicas,
            "readyReplicas": status.ready_replicas,
            "offeredRps": state.offered_rps,
            "unservedRps": state.unserved_rps,
            "faults": faults_document(fleet.faults(spec.namespace, spec.name)),
            "pods": pods,
        }
    brokers = [
        {
            "vhost": figures.vhost,
            "queue": figures.queue,
            "messagesReady": figures.messages_ready,
            "publishRps": figures.publish_rps,
            "drainRps": figures.drain_rps,
            "consumers": figures.consumers,
        }
        for figures in (broker.figures() for broker in fleet.brokers())
    ]
    return {
        "time": fleet.now,
        "elapsedSeconds": fleet.now - fleet.start,
        "namespaces": namespaces,
        "brokers": brokers,
    }

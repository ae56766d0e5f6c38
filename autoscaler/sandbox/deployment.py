"""One Deployment's pods as a fluid queueing model, vectorised over its pods. Pure: no clock, no I/O.

Per step of ``dt`` seconds at scenario time ``t``:

1. The offered rate ``lambda(t)`` (evaluated mid-step) is spread evenly over the READY pods;
   with no ready pod it is unserved (the ingress answers it; this Deployment's sidecars never
   see it).
2. Each pod's queue receives ``lambda_pod * dt`` and the pod completes up to ``capacity * dt``;
   what exceeds ``max_queue_per_pod`` is rejected with 503 (Envoy overflow, flag ``UO``).
3. Of the completed requests the (combined) error rate is answered 500, the rest 200.
4. Mean latency = ``base * stretch(utilisation) + queue / capacity + injected latency``;
   latencies are lognormal around it (see ``latency``) and added to cumulative histograms.

Counters (``buckets``, ``sums``) only ever grow; the ``+Inf`` bucket is the count.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from autoscaler.sandbox.faults import Faults
from autoscaler.sandbox.latency import BUCKET_COUNT, FloatArray, bucket_fractions, p95_ms, service_stretch
from autoscaler.sandbox.pod import RESPONSE_CODES, PodFigures, PodGauges, PodRecord
from autoscaler.sandbox.spec import DeploymentSpec

REJECT_LATENCY_MS = 0.8
"""Latency of a 503 overflow rejection: Envoy answers it without reaching the application."""
FB_WEIGHTS_SHARE = 0.55
FB_ACTIVE_SHARE = 0.35
"""Framebuffer used = memory * (weights share + active share * utilisation)."""

_OK, _ERROR, _REJECTED = 0, 1, 2
_CODES = len(RESPONSE_CODES)


class DeploymentState:
    """Mutable state of one Deployment: desired replicas, pods (oldest first) and their counters."""

    def __init__(self, spec: DeploymentSpec) -> None:
        self.spec = spec
        self.desired_replicas = spec.replicas
        self.pods: list[PodRecord] = []
        self.offered_rps = 0.0
        self.unserved_rps = 0.0
        self._ready_at = np.zeros(0)
        self.queue = np.zeros(0)
        self.buckets = np.zeros((0, _CODES, BUCKET_COUNT))
        self.sums = np.zeros((0, _CODES))
        self.ready = np.zeros(0, dtype=bool)
        self.arrival_rps = np.zeros(0)
        self.code_rps = np.zeros((0, _CODES))
        self.busy = np.zeros(0)
        self.mean_ms = np.zeros(0)
        self._reject_fractions = bucket_fractions(np.array([REJECT_LATENCY_MS]), spec.latency_sigma)

    def add_pods(self, records: Sequence[PodRecord]) -> None:
        """Append new pods with empty queues and zero counters."""
        k = len(records)
        self.pods.extend(records)
        self._ready_at = np.concatenate([self._ready_at, [r.ready_at for r in records]])
        self.queue = np.concatenate([self.queue, np.zeros(k)])
        self.buckets = np.concatenate([self.buckets, np.zeros((k, _CODES, BUCKET_COUNT))])
        self.sums = np.concatenate([self.sums, np.zeros((k, _CODES))])
        self.ready = np.concatenate([self.ready, np.zeros(k, dtype=bool)])
        self.arrival_rps = np.concatenate([self.arrival_rps, np.zeros(k)])
        self.code_rps = np.concatenate([self.code_rps, np.zeros((k, _CODES))])
        self.busy = np.concatenate([self.busy, np.zeros(k)])
        self.mean_ms = np.concatenate([self.mean_ms, np.zeros(k)])

    def remove_newest(self, count: int) -> list[PodRecord]:
        """Delete the ``count`` most recently created pods (their queues are dropped)."""
        keep = max(0, len(self.pods) - count)
        removed = self.pods[keep:]
        del self.pods[keep:]
        self._ready_at = self._ready_at[:keep]
        self.queue = self.queue[:keep]
        self.buckets = self.buckets[:keep]
        self.sums = self.sums[:keep]
        self.ready = self.ready[:keep]
        self.arrival_rps = self.arrival_rps[:keep]
        self.code_rps = self.code_rps[:keep]
        self.busy = self.busy[:keep]
        self.mean_ms = self.mean_ms[:keep]
        return removed

    def update_readiness(self, now: float) -> None:
        """Mark pods whose start-up delay has passed at ``now`` as ready."""
        self.ready = self._ready_at <= now

    def step(self, now: float, dt: float, *, since_start: float, faults: Faults) -> None:
        """Advance queues and counters from ``now`` to ``now + dt`` (``dt > 0``).

        ``now`` is on the fleet's clock (pod readiness); ``since_start`` is the same instant in
        scenario time (the load profile).
        """
        spec = self.spec
        self.update_readiness(now)
        self.offered_rps = spec.load.rate_at(since_start + dt / 2.0)
        n_ready = int(self.ready.sum())
        if n_ready == 0:
            self.unserved_rps = self.offered_rps
            lam: FloatArray = np.zeros(len(self.pods))
        else:
            self.unserved_rps = 0.0
            lam = np.where(self.ready, self.offered_rps / n_ready, 0.0)
        mu = spec.capacity_rps
        total = self.queue + lam * dt
        served = np.where(self.ready, np.minimum(total, mu * dt), 0.0)
        queue = total - served
        rejected = np.maximum(queue - spec.max_queue_per_pod, 0.0)
        self.queue = queue - rejected
        self.busy = served / (mu * dt)
        self.mean_ms = (
            spec.base_latency_ms * service_stretch(self.busy)
            + self.queue / mu * 1000.0
            + faults.extra_latency_ms
        )
        errors = served * faults.combined_error_rate(spec.error_rate)
        counts = np.stack([served - errors, errors, rejected], axis=1)
        fractions = bucket_fractions(self.mean_ms, spec.latency_sigma)
        self.buckets[:, _OK, :] += counts[:, _OK, np.newaxis] * fractions
        self.buckets[:, _ERROR, :] += counts[:, _ERROR, np.newaxis] * fractions
        self.buckets[:, _REJECTED, :] += counts[:, _REJECTED, np.newaxis] * self._reject_fractions
        self.sums[:, _OK] += counts[:, _OK] * self.mean_ms
        self.sums[:, _ERROR] += counts[:, _ERROR] * self.mean_ms
        self.sums[:, _REJECTED] += counts[:, _REJECTED] * REJECT_LATENCY_MS
        self.arrival_rps = lam
        self.code_rps = counts / dt

    @property
    def counts(self) -> FloatArray:
        """Cumulative responses per pod and code, shape ``(pods, len(RESPONSE_CODES))``."""
        result: FloatArray = self.buckets[:, :, -1]
        return result

    def running(self) -> FloatArray:
        """Requests in execution per pod (Little's law on service time, without queue wait)."""
        served_rps = self.code_rps[:, _OK] + self.code_rps[:, _ERROR]
        service_s = self.spec.base_latency_ms * service_stretch(self.busy) / 1000.0
        result: FloatArray = served_rps * service_s
        return result

    def gauges(self) -> list[PodGauges]:
        """Current exporter values per pod, in pod order."""
        memory = self.spec.gpu.memory_mib
        used = memory * (FB_WEIGHTS_SHARE + FB_ACTIVE_SHARE * self.busy)
        running = self.running()
        success = self.counts[:, _OK]
        return [
            PodGauges(
                queue_depth=float(self.queue[i]),
                running=float(running[i]),
                success_total=float(success[i]),
                gpu_util_percent=float(self.busy[i] * 100.0),
                fb_used_mib=float(used[i]),
                fb_free_mib=float(memory - used[i]),
                gr_engine_active=float(self.busy[i]),
            )
            for i in range(len(self.pods))
        ]

    def figures(self) -> list[PodFigures]:
        """The truth about each pod over the last step, in pod order."""
        served = self.code_rps[:, _OK] + self.code_rps[:, _ERROR]
        p95 = p95_ms(self.mean_ms, self.spec.latency_sigma)
        result = []
        for i, pod in enumerate(self.pods):
            answered = served[i] > 0
            result.append(
                PodFigures(
                    ready=bool(self.ready[i]),
                    node=pod.slot.node,
                    arrival_rps=float(self.arrival_rps[i]),
                    response_rps=float(self.code_rps[i].sum()),
                    success_rps=float(self.code_rps[i, _OK]),
                    error_rps=float(self.code_rps[i, _ERROR]),
                    rejected_rps=float(self.code_rps[i, _REJECTED]),
                    mean_latency_ms=float(self.mean_ms[i]) if answered else None,
                    p95_latency_ms=float(p95[i]) if answered else None,
                    queue_depth=float(self.queue[i]),
                    gpu_util_percent=float(self.busy[i] * 100.0),
                )
            )
        return result

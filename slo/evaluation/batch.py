"""Run many probes against Prometheus at one instant, batched and concurrent.

Several probes share one query: each is tagged with ``label_replace(expr, "servescale_probe", "<tag>",
"", "")`` and the tagged expressions are joined with ``or`` (their label sets differ by the tag, so
``or`` keeps every sample). ``batch_size`` probes go in one query and at most ``concurrency`` queries
run at once (``batch_size=1`` sends plain, untagged queries). Every query uses ``time=at``, so an
evaluation is reproducible.

A query Prometheus rejects (bad user PromQL) or that times out is split in halves and retried, so
one broken SLO costs a few extra queries and only its own probes fail. Unavailability
(:class:`PrometheusUnavailableError`) is raised: the evaluation as a whole cannot proceed.

Knows the promql client protocol and probes; nothing about SLO maths.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import reduce

from metrics_adapter.promql import (
    Expr,
    InstantVector,
    Labels,
    PrometheusClient,
    PrometheusQueryError,
    PrometheusTimeoutError,
    Sample,
    Scalar,
    escape_replacement,
    label_replace,
    or_,
)

from .plan import Probe, ProbeKey

__all__ = ["PROBE_LABEL", "BatchSettings", "ProbeResults", "ProbeRunner", "batched_query"]

PROBE_LABEL = "servescale_probe"
Progress = Callable[[int], None]


@dataclass(frozen=True)
class BatchSettings:
    """``batch_size`` probes per query, ``concurrency`` queries in flight."""

    batch_size: int = 40
    concurrency: int = 4

    def __post_init__(self) -> None:
        if self.batch_size < 1 or self.concurrency < 1:
            raise ValueError("batch_size and concurrency must be >= 1")


@dataclass
class ProbeResults:
    """Samples per probe (possibly none: no data), errors per failed probe, queries sent."""

    samples: dict[ProbeKey, list[Sample]] = field(default_factory=dict)
    errors: dict[ProbeKey, str] = field(default_factory=dict)
    queries: int = 0


def batched_query(probes: Sequence[Probe]) -> Expr:
    """The tagged ``or`` of ``probes`` (a single probe is sent as it is)."""
    if len(probes) == 1:
        return probes[0].expr
    tagged: list[Expr] = [
        label_replace(probe.expr, PROBE_LABEL, escape_replacement(probe.key.tag()), "", "")
        for probe in probes
    ]
    return reduce(or_, tagged)


class ProbeRunner:
    def __init__(self, client: PrometheusClient, settings: BatchSettings | None = None) -> None:
        self._client = client
        self._settings = settings or BatchSettings()

    async def run(
        self, probes: Sequence[Probe], *, at: datetime, progress: Progress | None = None
    ) -> ProbeResults:
        results = ProbeResults(samples={probe.key: [] for probe in probes})
        ordered = sorted(probes, key=lambda probe: (probe.key.window, probe.key.slo, probe.key.part))
        size = self._settings.batch_size
        chunks = [ordered[start : start + size] for start in range(0, len(ordered), size)]
        semaphore = asyncio.Semaphore(self._settings.concurrency)
        await asyncio.gather(*(self._run_chunk(chunk, at, semaphore, results, progress) for chunk in chunks))
        return results

    async def _run_chunk(
        self,
        chunk: Sequence[Probe],
        at: datetime,
        semaphore: asyncio.Semaphore,
        results: ProbeResults,
        progress: Progress | None,
    ) -> None:
        failure: str | None = None
        async with semaphore:
            results.queries += 1
            try:
                answer = await self._client.query(batched_query(chunk), at=at)
            except (PrometheusQueryError, PrometheusTimeoutError) as exc:
                failure = str(exc)
        if failure is not None:
            if len(chunk) == 1:
                results.errors[chunk[0].key] = failure
                if progress is not None:
                    progress(1)
                return
            half = len(chunk) // 2
            await asyncio.gather(
                self._run_chunk(chunk[:half], at, semaphore, results, progress),
                self._run_chunk(chunk[half:], at, semaphore, results, progress),
            )
            return
        self._store(chunk, answer, results)
        if progress is not None:
            progress(len(chunk))

    @staticmethod
    def _store(chunk: Sequence[Probe], answer: InstantVector | Scalar, results: ProbeResults) -> None:
        if isinstance(answer, Scalar):  # a user query returning a scalar (only ever sent alone)
            results.samples[chunk[0].key].append(Sample(Labels(), answer.timestamp, answer.value))
            return
        if len(chunk) == 1:
            results.samples[chunk[0].key].extend(answer.samples)
            return
        for sample in answer.samples:
            tag = sample.labels.get(PROBE_LABEL)
            key = None if tag is None else ProbeKey.parse(tag)
            if key in results.samples:
                labels = sample.labels.without(PROBE_LABEL)
                results.samples[key].append(Sample(labels, sample.timestamp, sample.value))

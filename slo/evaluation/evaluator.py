"""Evaluate SLOs against Prometheus at one fixed instant: ``await SLOEvaluator(slos, client).evaluate(at)``.

Every query is sent with ``time=at``, so the same ``at`` gives the same answer whenever it is asked.
Two rounds of queries: first the ``le`` texts of the classic-latency buckets (one probe per distinct
bucket selector, so a threshold is matched against the real bound text), then every SLO's windows
(compliance window and alert windows), batched across SLOs by :class:`~.batch.ProbeRunner`.

:class:`StatusSource` is the seam the HTTP router and the gauges depend on.

Knows the plan, the runner and the assembly; never reads the clock (``at`` is an argument).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from metrics_adapter.promql import PrometheusClient

from ..spec.model import SLO
from .assemble import assemble_status
from .batch import BatchSettings, ProbeRunner
from .model import Evaluation
from .plan import Probe, SpanRule, bounds_probe, bucket_selector, default_span, plan_slo

__all__ = ["SLOEvaluator", "StatusSource"]

Progress = Callable[[int], None]


class StatusSource(Protocol):
    """Something that can tell the SLO statuses at an instant (``None``: its own notion of now)."""

    @property
    def slos(self) -> Sequence[SLO]: ...

    async def status(self, at: datetime | None = None) -> Evaluation: ...


class SLOEvaluator:
    """Evaluates a fixed list of SLOs through ``client``.

    ``span_rule`` chooses the window span per SLO (default: the SLO's own window at ``at``; reports
    for a calendar month pass another). ``settings`` tunes batching and concurrency.
    """

    def __init__(
        self,
        slos: Sequence[SLO],
        client: PrometheusClient,
        *,
        settings: BatchSettings | None = None,
        span_rule: SpanRule = default_span,
    ) -> None:
        self._slos = tuple(slos)
        self._runner = ProbeRunner(client, settings)
        self._span_rule = span_rule

    @property
    def slos(self) -> Sequence[SLO]:
        return self._slos

    async def _bucket_bounds(self, at: datetime) -> tuple[dict[str, tuple[str, ...]], int]:
        """The ``le`` texts present at ``at`` for every distinct classic bucket selector."""
        selectors: dict[str, Probe] = {}
        for index, slo in enumerate(self._slos):
            selector, probe = bucket_selector(slo), bounds_probe(index, slo)
            if selector is not None and probe is not None:
                selectors.setdefault(selector.render(), probe)
        if not selectors:
            return {}, 0
        results = await self._runner.run(list(selectors.values()), at=at)
        bounds = {
            text: tuple(sorted({s.labels["le"] for s in results.samples[probe.key] if "le" in s.labels}))
            for text, probe in selectors.items()
        }
        return bounds, results.queries

    async def evaluate(self, at: datetime, *, progress: Progress | None = None) -> Evaluation:
        """Every SLO at ``at`` (timezone-aware). ``progress(n)`` is called as ``n`` more probes finish.

        Raises :class:`~metrics_adapter.promql.PrometheusUnavailableError` when Prometheus cannot be
        reached; a broken SLO (bad PromQL, unknown bucket) only gets an ``error`` in its status.
        """
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError(f"evaluation instant must be timezone-aware, got {at.isoformat()}")
        bounds, bound_queries = await self._bucket_bounds(at)
        plans = [
            plan_slo(index, slo, at, span_rule=self._span_rule, bounds=bounds)
            for index, slo in enumerate(self._slos)
        ]
        probes = [probe for plan in plans for probe in plan.probes()]
        results = await self._runner.run(probes, at=at, progress=progress)
        statuses = tuple(assemble_status(plan, results.samples, results.errors) for plan in plans)
        return Evaluation(at=at, statuses=statuses, queries=bound_queries + results.queries)

    def probe_count(self, at: datetime) -> int:
        """How many probes :meth:`evaluate` will run (for progress bars), bucket lookups excluded."""
        return sum(
            len(plan_slo(i, slo, at, span_rule=self._span_rule).probes()) for i, slo in enumerate(self._slos)
        )

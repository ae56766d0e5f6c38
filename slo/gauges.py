"""SLO figures as Prometheus gauges, from the latest scheduled evaluation (never evaluated per scrape).

``SLOGauges(registry)`` is a custom collector; the service calls :meth:`SLOGauges.update` with each
evaluation (``CachedStatus(..., listeners=[gauges.update])``) and a scrape only reads that snapshot.

* ``slo_error_budget_remaining_ratio{slo,service}``: 1 = untouched, 0 = spent, negative = overspent;
* ``slo_burn_rate{slo,service,window}``: per alert window (``5m`` ... ``3d``) and the compliance
  window (``30d``, ``month``); 0 without traffic;
* ``slo_sli_ratio{slo,service}``: absent without traffic (no NaN, no invented value);
* ``slo_objective_ratio{slo,service}`` and ``slo_evaluation_timestamp_seconds`` (the instant evaluated).

Labels are bounded (SLO, service, window); counts are values, never labels. SLOs whose evaluation
failed export nothing until they succeed again.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry

from .evaluation import Evaluation
from .window import CalendarWindow, render_seconds

__all__ = ["SLOGauges"]

_SLO_LABELS = ["slo", "service"]


def _families() -> tuple[GaugeMetricFamily, ...]:
    return (
        GaugeMetricFamily(
            "slo_error_budget_remaining_ratio",
            "Share of the SLO window's error budget left (negative when overspent).",
            labels=_SLO_LABELS,
        ),
        GaugeMetricFamily(
            "slo_burn_rate",
            "Error-budget burn rate over a window (1 = spends the budget in one SLO window).",
            labels=[*_SLO_LABELS, "window"],
        ),
        GaugeMetricFamily("slo_sli_ratio", "SLI over the SLO window (good / total).", labels=_SLO_LABELS),
        GaugeMetricFamily("slo_objective_ratio", "The SLO target as a ratio.", labels=_SLO_LABELS),
        GaugeMetricFamily("slo_evaluation_timestamp_seconds", "Unix time the exported SLO figures refer to."),
    )


class SLOGauges(Collector):
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self._latest: Evaluation | None = None
        if registry is not None:
            registry.register(self)

    def update(self, evaluation: Evaluation) -> None:
        """Export ``evaluation`` from now on."""
        self._latest = evaluation

    def describe(self) -> Iterator[GaugeMetricFamily]:
        yield from _families()

    def collect(self) -> Iterator[GaugeMetricFamily]:
        remaining, burn, sli, objective, stamp = _families()
        evaluation = self._latest
        if evaluation is not None:
            stamp.add_metric([], evaluation.at.timestamp())
            for status in evaluation.statuses:
                measurement = status.overall
                if measurement is None:
                    continue
                slo = status.slo
                labels = [slo.name, slo.service]
                remaining.add_metric(labels, measurement.budget.remaining)
                objective.add_metric(labels, float(slo.objective.ratio))
                if measurement.sli is not None:
                    sli.add_metric(labels, measurement.sli)
                window = slo.window
                own = str(window.unit) if isinstance(window, CalendarWindow) else window.render()
                burns = {render_seconds(item.seconds): item.burn_rate for item in measurement.burn_rates}
                burns.setdefault(own, measurement.budget.burn_rate)
                for name, value in burns.items():
                    burn.add_metric([*labels, name], value)
        yield from (remaining, burn, sli, objective, stamp)

"""Names of the SLO recording rules and alerts: the scheme the rules write and dashboards and routes read.

Recording rules follow Prometheus's ``level:metric:operations`` convention, as Sloth does, and carry
the labels ``slo`` and ``service`` (plus the SLO's own labels and grouping labels), never a window
label: the window is part of the name, so rules for two windows join with a plain ``and``.

============================================  =================================================
``slo:sli_error:increase5m``                  bad events in the last 5 minutes
``slo:sli_total:increase5m``                  all events in the last 5 minutes
``slo:sli_error:ratio_rate<w>``               error ratio over ``w`` (``5m``, ``1h``, ``1d``, ``30d``)
``slo:objective:ratio``                       the objective, e.g. ``0.999``
``slo:error_budget:ratio``                    ``1 - objective``
``slo:current_burn_rate:ratio``               error ratio over 5m / error budget
``slo:period_burn_rate:ratio``                error ratio over the SLO period / error budget
``slo:period_error_budget_remaining:ratio``   ``1 - period burn rate`` (below 0: overspent)
============================================  =================================================

Windows shorter than :data:`SUMMED_FROM` are ``(bad or 0 * total) / (total > 0)`` over the raw
series; longer ones (1d, 3d, the 30d period) are sums of the 5-minute increases sampled every 5
minutes, ``sum_over_time(slo:sli_error:increase5m[1d:5m])`` over the same sum of
``slo:sli_total:increase5m``: a traffic-weighted ratio that never reads the high-cardinality
source series over a long range. Without traffic a ratio has no sample (never NaN). For user
queries written with a window placeholder the two ``increase5m`` records hold whatever the queries
return (often a rate): their ratio is still right, their values are not event counts.

Alerts: :data:`BURN_RATE_ALERT` (one rule per burn-rate tier, labels ``severity``, ``long_window``,
``short_window``, ``burn_rate``, ``budget_consumed``) and :data:`NO_DATA_ALERT`.
"""

from __future__ import annotations

from metrics_adapter.promql import Duration

__all__ = [
    "BASE_WINDOW",
    "BURN_RATE_ALERT",
    "CURRENT_BURN_RATE",
    "ERROR_BUDGET",
    "ERROR_INCREASE",
    "NO_DATA_ALERT",
    "OBJECTIVE",
    "PERIOD_BUDGET_REMAINING",
    "PERIOD_BURN_RATE",
    "SUMMED_FROM",
    "TOTAL_INCREASE",
    "error_ratio_record",
]

BURN_RATE_ALERT = "SLOErrorBudgetBurn"
NO_DATA_ALERT = "SLONoData"

BASE_WINDOW = Duration.minutes(5)
SUMMED_FROM = Duration.days(1)

ERROR_INCREASE = "slo:sli_error:increase5m"
TOTAL_INCREASE = "slo:sli_total:increase5m"
OBJECTIVE = "slo:objective:ratio"
ERROR_BUDGET = "slo:error_budget:ratio"
CURRENT_BURN_RATE = "slo:current_burn_rate:ratio"
PERIOD_BURN_RATE = "slo:period_burn_rate:ratio"
PERIOD_BUDGET_REMAINING = "slo:period_error_budget_remaining:ratio"


def error_ratio_record(window: Duration) -> str:
    """``slo:sli_error:ratio_rate<window>``, e.g. ``slo:sli_error:ratio_rate30m``."""
    return f"slo:sli_error:ratio_rate{window.render()}"

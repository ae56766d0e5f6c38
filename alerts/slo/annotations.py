"""Human-readable annotations of the SLO alerts: summary, description and links.

The texts are fixed per rule (numbers come from the exact tier arithmetic) and refer only to
``{{ $labels.x }}`` for grouping labels, never to ``$value``: generated promtool tests predict every
annotation exactly. Knows nothing about rule expressions.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from metrics_adapter.promql import Duration, Selector
from slo.burn_rate import BurnRateWindow
from slo.objective import format_decimal
from slo.record_names import NO_DATA_ALERT
from slo.spec import SLO

from ..rules.links import AlertLinks

__all__ = ["burn_annotations", "no_data_annotations"]


def _percent(ratio: Decimal) -> str:
    return f"{format_decimal(ratio * 100)}%"


def _about(slo: SLO, group_labels: Sequence[str]) -> str:
    where = ", ".join(f"{label}={{{{ $labels.{label} }}}}" for label in group_labels)
    return f"{slo.service}/{slo.name}" + (f" ({where})" if where else "")


def burn_annotations(
    slo: SLO, tier: BurnRateWindow, *, alert: str, links: AlertLinks, group_labels: Sequence[str] = ()
) -> dict[str, str]:
    threshold = format_decimal(tier.error_ratio_threshold(slo.objective))
    period = Duration(tier.period).render()
    exhaustion = Duration(max(1, round(tier.exhaustion_seconds))).render()
    summary = (
        f"SLO {_about(slo, group_labels)} is burning its error budget {format_decimal(tier.factor)}x "
        f"too fast ({tier.severity})."
    )
    description = (
        f"The error ratio of {_about(slo, group_labels)} has been above {threshold} over both the last "
        f"{tier.long_window_text} and {tier.short_window_text} (objective {slo.objective}). At this rate "
        f"{_percent(tier.budget_consumed)} of the {period} error budget is spent within "
        f"{tier.long_window_text}, and all of it within {exhaustion}."
    )
    out = {"summary": summary, "description": description}
    out.update(links.annotations(alert=alert, slo=slo.name, service=slo.service))
    return out


def no_data_annotations(
    slo: SLO, sources: Sequence[Selector], *, window: Duration, links: AlertLinks
) -> dict[str, str]:
    """``sources`` empty: the SLI is user PromQL and the alert watches the SLO's own recordings."""
    if sources:
        names = ", ".join(sorted({str(source.metric) for source in sources}))
        what = f"No samples of {names} for the SLI of {slo.service}/{slo.name}"
    else:
        what = f"The SLI queries of {slo.service}/{slo.name} returned nothing"
    out = {
        "summary": f"SLO {slo.service}/{slo.name} has no data.",
        "description": (
            f"{what} in the last {window}: its burn-rate alerts cannot fire. "
            "Check the scrape targets and the SLI's selectors."
        ),
    }
    out.update(links.annotations(alert=NO_DATA_ALERT, slo=slo.name, service=slo.service))
    return out

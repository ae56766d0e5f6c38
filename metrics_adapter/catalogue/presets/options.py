"""Options every preset shares, and the selection of a preset's metrics by ``exclude``.

Knows definitions and scrape labels; each preset module adds its own options on top.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from metrics_adapter.promql import Duration

from ..definition import DEFAULT_MAX_STALENESS_SECONDS, MetricDefinition
from ..errors import RecipeError
from ..scrape_labels import ScrapeLabels

__all__ = ["PresetOptions", "select_metrics"]


@dataclass(frozen=True)
class PresetOptions:
    """``labels``: the scrape's pod/namespace labels; ``rate_window``: the window of every rate;
    ``max_staleness_seconds``: the gauge staleness limit; ``exclude``: metric names to leave out."""

    labels: ScrapeLabels = field(default_factory=ScrapeLabels)
    rate_window: Duration = field(default_factory=lambda: Duration(60))
    max_staleness_seconds: float | None = DEFAULT_MAX_STALENESS_SECONDS
    exclude: frozenset[str] = frozenset()


def select_metrics(
    preset: str, definitions: Iterable[MetricDefinition], exclude: frozenset[str]
) -> tuple[MetricDefinition, ...]:
    """The preset's definitions without the excluded ones; ``RecipeError`` for unknown names."""
    everything = tuple(definitions)
    unknown = sorted(exclude - {definition.name for definition in everything})
    if unknown:
        names = ", ".join(definition.name for definition in everything)
        raise RecipeError(f"preset {preset} has no metric {', '.join(unknown)} (it has: {names})")
    return tuple(definition for definition in everything if definition.name not in exclude)

"""Value recipes: how one number per object is computed from Prometheus series.

A recipe is data, not a template: a source ``Series`` (metric name + static matchers) and a value
kind. Leaves are ``Gauge``, ``Rate``, ``Increase`` and ``HistogramQuantile``; ``Ratio``, ``Sum``
and ``FirstOf`` combine other recipes (``FirstOf`` is PromQL ``or``: the first alternative that
has a series for an object wins, e.g. ``DCGM_FI_DEV_GPU_UTIL`` else
``DCGM_FI_PROF_GR_ENGINE_ACTIVE * 100`` on MIG). ``scale`` multiplies a recipe's value.

Request-specific matchers (namespace, object, metric selector) are added to every leaf's series
when a query is built (``query.py``). This module knows PromQL names and matchers but builds no
expressions and knows nothing about Kubernetes resources.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import StrEnum

from metrics_adapter.promql import Duration, Matcher, Selector

from .errors import RecipeError

__all__ = [
    "Aggregation",
    "FirstOf",
    "Gauge",
    "HistogramQuantile",
    "Increase",
    "Leaf",
    "Rate",
    "Ratio",
    "Recipe",
    "Series",
    "Sum",
    "gauge_leaves",
    "leaves",
    "tracks_sample_age",
    "window_of",
    "with_window",
]


class Aggregation(StrEnum):
    """How several series (or several pods) of one object become one value."""

    SUM = "sum"
    AVG = "avg"
    MAX = "max"
    MIN = "min"


@dataclass(frozen=True)
class Series:
    """A source series: a metric name and the recipe's own matchers (``reporter="destination"``)."""

    metric: str
    matchers: tuple[Matcher, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "matchers", tuple(self.matchers))
        try:
            Selector(self.metric, self.matchers)
        except (TypeError, ValueError) as exc:
            raise RecipeError(f"series {self.metric!r}: {exc}") from exc

    def selector(self, extra: tuple[Matcher, ...] = ()) -> Selector:
        """The instant selector: the recipe's matchers first, then ``extra`` (scope and selector)."""
        return Selector(self.metric, (*self.matchers, *extra))


def _check_scale(scale: float | None) -> None:
    if scale is not None and (isinstance(scale, bool) or not math.isfinite(scale) or scale == 0):
        raise RecipeError(f"scale must be a finite non-zero number, got {scale!r}")


@dataclass(frozen=True)
class Gauge:
    """The current value of a gauge; subject to the staleness check of the metric's policy."""

    series: Series
    scale: float | None = None

    def __post_init__(self) -> None:
        _check_scale(self.scale)


@dataclass(frozen=True)
class Rate:
    """Per-second rate of a counter over ``window`` (``rate(series[window])``)."""

    series: Series
    window: Duration
    scale: float | None = None

    def __post_init__(self) -> None:
        _check_scale(self.scale)


@dataclass(frozen=True)
class Increase:
    """Increase of a counter over ``window`` (``increase(series[window])``)."""

    series: Series
    window: Duration
    scale: float | None = None

    def __post_init__(self) -> None:
        _check_scale(self.scale)


@dataclass(frozen=True)
class HistogramQuantile:
    """The ``quantile`` of a classic histogram over ``window``; ``series`` is the ``_bucket`` series.

    Built as ``histogram_quantile(q, sum by (le, <object>) (rate(series[window])))``. With no
    observations in the window the result is NaN, which is "no value", never 0.
    """

    series: Series
    quantile: float
    window: Duration
    le_label: str = "le"
    scale: float | None = None

    def __post_init__(self) -> None:
        _check_scale(self.scale)
        if isinstance(self.quantile, bool) or not 0 <= self.quantile <= 1:
            raise RecipeError(f"quantile must be between 0 and 1, got {self.quantile!r}")


@dataclass(frozen=True)
class Ratio:
    """``numerator / denominator``, both aggregated per object first (e.g. 5xx rate over all requests).

    A zero denominator gives NaN or ±Inf, which is "no value".
    """

    numerator: Recipe
    denominator: Recipe
    scale: float | None = None

    def __post_init__(self) -> None:
        _check_scale(self.scale)


@dataclass(frozen=True)
class Sum:
    """``term + term + ...``, each aggregated per object first; an object missing a term has no value."""

    terms: tuple[Recipe, ...]
    scale: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "terms", tuple(self.terms))
        _check_scale(self.scale)
        if len(self.terms) < 2:
            raise RecipeError("a sum needs at least two terms")


@dataclass(frozen=True)
class FirstOf:
    """PromQL ``or``: per object, the value of the first alternative that has one."""

    alternatives: tuple[Recipe, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "alternatives", tuple(self.alternatives))
        if len(self.alternatives) < 2:
            raise RecipeError("first_of needs at least two alternatives")


Leaf = Gauge | Rate | Increase | HistogramQuantile
Recipe = Gauge | Rate | Increase | HistogramQuantile | Ratio | Sum | FirstOf


def leaves(recipe: Recipe) -> Iterator[Leaf]:
    """Every leaf of ``recipe``, depth first, left to right."""
    match recipe:
        case Ratio(numerator=numerator, denominator=denominator):
            yield from leaves(numerator)
            yield from leaves(denominator)
        case Sum(terms=children) | FirstOf(alternatives=children):
            for child in children:
                yield from leaves(child)
        case _:
            yield recipe


def gauge_leaves(recipe: Recipe) -> list[Gauge]:
    return [leaf for leaf in leaves(recipe) if isinstance(leaf, Gauge)]


def window_of(recipe: Recipe) -> Duration | None:
    """The longest range window the recipe reads (the ``windowSeconds`` of its values); None for gauges."""
    windows = [leaf.window for leaf in leaves(recipe) if not isinstance(leaf, Gauge)]
    return max(windows) if windows else None


def with_window(recipe: Recipe, window: Duration) -> Recipe:
    """``recipe`` with every range window (rates, increases, quantiles) set to ``window``; gauges kept."""
    match recipe:
        case Rate() | Increase() | HistogramQuantile():
            return replace(recipe, window=window)
        case Ratio(numerator=numerator, denominator=denominator):
            return replace(
                recipe, numerator=with_window(numerator, window), denominator=with_window(denominator, window)
            )
        case Sum(terms=terms):
            return replace(recipe, terms=tuple(with_window(term, window) for term in terms))
        case FirstOf(alternatives=alternatives):
            return replace(recipe, alternatives=tuple(with_window(alt, window) for alt in alternatives))
    return recipe


def tracks_sample_age(recipe: Recipe) -> bool:
    """Whether a value of ``recipe`` has a raw sample age to check.

    Gauges do; counter-based leaves do not. A ratio or sum does if any part does; a ``FirstOf``
    only if every alternative does, so that the age always belongs to the alternative chosen.
    """
    match recipe:
        case Gauge():
            return True
        case Ratio(numerator=numerator, denominator=denominator):
            return tracks_sample_age(numerator) or tracks_sample_age(denominator)
        case Sum(terms=terms):
            return any(tracks_sample_age(term) for term in terms)
        case FirstOf(alternatives=alternatives):
            return all(tracks_sample_age(alternative) for alternative in alternatives)
        case _:
            return False

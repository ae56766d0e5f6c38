"""Stabilisation windows over the recommendation history.

* Legacy (no ``behavior``), ``stabilizeRecommendation``: the maximum of the new recommendation and
  every stored one not older than the downscale window (age exactly W is included). No scale-up
  stabilisation on this path.
* Behaviour, ``stabilizeRecommendationWithBehaviors``: ``up`` = min over recommendations younger than
  the scale-up window, ``down`` = max over those younger than the scale-down window (strict), both
  starting from the new recommendation; the result is the current count clamped into ``[up, down]``.

Either way the new, un-normalised recommendation is stored in the *last* slot that is older than
every window, or appended when there is none: lists are never pruned.

This module knows nothing of metrics, pods or limits.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from autoscaler.hpa.behavior.state import Recommendation

__all__ = ["stabilize_legacy", "stabilize_with_behavior"]


def _store(
    history: tuple[Recommendation, ...], old_index: int | None, new: Recommendation
) -> tuple[Recommendation, ...]:
    if old_index is None:
        return (*history, new)
    return (*history[:old_index], new, *history[old_index + 1 :])


def stabilize_legacy(
    history: tuple[Recommendation, ...], *, desired: int, now: datetime, window: timedelta
) -> tuple[int, tuple[Recommendation, ...]]:
    """(stabilised count, new history) for the legacy path."""
    best = desired
    old_index: int | None = None
    cutoff = now - window
    for index, recommendation in enumerate(history):
        if recommendation.timestamp < cutoff:
            old_index = index
        elif recommendation.replicas > best:
            best = recommendation.replicas
    return best, _store(history, old_index, Recommendation(desired, now))


def stabilize_with_behavior(
    history: tuple[Recommendation, ...],
    *,
    desired: int,
    current: int,
    now: datetime,
    up_window: timedelta,
    down_window: timedelta,
) -> tuple[int, tuple[Recommendation, ...]]:
    """(stabilised count, new history) for the behaviour path."""
    up = down = desired
    up_cutoff, down_cutoff = now - up_window, now - down_window
    old_index: int | None = None
    for index, recommendation in enumerate(history):
        if recommendation.timestamp > up_cutoff:
            up = min(up, recommendation.replicas)
        if recommendation.timestamp > down_cutoff:
            down = max(down, recommendation.replicas)
        if recommendation.timestamp < up_cutoff and recommendation.timestamp < down_cutoff:
            old_index = index
    stabilized = min(max(current, up), down)
    return stabilized, _store(history, old_index, Recommendation(desired, now))

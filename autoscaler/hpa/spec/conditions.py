"""The HPA's status conditions, updated the way the controller's ``setCondition`` does.

Conditions are kept in their existing order; a new type is appended. ``lastTransitionTime`` moves to
``now`` only when the status changes (or the condition is new); reason and message always update.
The condition types are AbleToScale, ScalingActive, ScalingLimited and ScaledToZero.

This module knows nothing of metrics or replicas.
"""

from __future__ import annotations

from datetime import datetime

from autoscaler.hpa.spec.horizontal_pod_autoscaler import Condition

__all__ = ["Conditions"]


class Conditions:
    """A mutable working copy of ``status.conditions`` for one reconcile."""

    def __init__(self, existing: tuple[Condition, ...], *, now: datetime) -> None:
        self._items = list(existing)
        self._now = now

    def set(self, type_: str, status: str, reason: str, message: str) -> None:
        for index, condition in enumerate(self._items):
            if condition.type == type_:
                transition = condition.last_transition_time if condition.status == status else self._now
                self._items[index] = Condition(type_, status, reason, message, transition)
                return
        self._items.append(Condition(type_, status, reason, message, self._now))

    def put(self, condition: Condition) -> None:
        self.set(condition.type, condition.status, condition.reason, condition.message)

    def remove(self, type_: str) -> None:
        self._items = [condition for condition in self._items if condition.type != type_]

    def get(self, type_: str) -> Condition | None:
        return next((condition for condition in self._items if condition.type == type_), None)

    def freeze(self) -> tuple[Condition, ...]:
        return tuple(self._items)

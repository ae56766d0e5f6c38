"""The tolerance band: ``(1 - down) <= ratio <= (1 + up)``, both ends inclusive.

Per-direction tolerances come from ``behavior.scaleUp.tolerance`` / ``behavior.scaleDown.tolerance``
only when the ``HPAConfigurableTolerance`` gate is on, ``behavior`` is set and the field is set;
otherwise the controller flag applies. ``NaN`` is never within the band.

This module knows nothing of pods or metric values.
"""

from __future__ import annotations

from dataclasses import dataclass

from autoscaler.hpa.spec.config import ControllerConfig
from autoscaler.hpa.spec.horizontal_pod_autoscaler import HorizontalPodAutoscaler

__all__ = ["Tolerances", "tolerances_for"]


@dataclass(frozen=True, slots=True)
class Tolerances:
    scale_down: float
    scale_up: float

    def is_within(self, ratio: float) -> bool:
        return (1.0 - self.scale_down) <= ratio <= (1.0 + self.scale_up)


def tolerances_for(hpa: HorizontalPodAutoscaler, config: ControllerConfig) -> Tolerances:
    up = down = config.tolerance
    behavior = hpa.behavior
    if config.feature_gates.hpa_configurable_tolerance and behavior is not None:
        if behavior.scale_up is not None and behavior.scale_up.tolerance is not None:
            up = behavior.scale_up.tolerance
        if behavior.scale_down is not None and behavior.scale_down.tolerance is not None:
            down = behavior.scale_down.tolerance
    return Tolerances(scale_down=down, scale_up=up)

"""The HPA controller's configuration: kube-controller-manager flags and the feature gates it reads.

Defaults are the production defaults (not the values upstream's unit tests use): tolerance 0.1, a
300 s downscale stabilisation window, a 300 s CPU initialisation period, a 30 s initial readiness
delay and a 15 s sync period. A configured tolerance of 0 is replaced by 0.1, as the flag's
defaulting does. ``HPAConfigurableTolerance`` is beta and on by default from v1.35;
``HPAScaleToZero`` is off unless enabled; ``PodLevelResources`` (beta, on) lets pod-level requests
stand in for the sum of container requests.

This module knows nothing of HPAs, pods or metrics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

__all__ = ["DEFAULT_TOLERANCE", "ControllerConfig", "FeatureGates"]

DEFAULT_TOLERANCE = 0.1


@dataclass(frozen=True, slots=True)
class FeatureGates:
    hpa_configurable_tolerance: bool = True
    hpa_scale_to_zero: bool = False
    pod_level_resources: bool = True


@dataclass(frozen=True, slots=True)
class ControllerConfig:
    tolerance: float = DEFAULT_TOLERANCE
    downscale_stabilization_window: timedelta = timedelta(seconds=300)
    cpu_initialization_period: timedelta = timedelta(seconds=300)
    initial_readiness_delay: timedelta = timedelta(seconds=30)
    sync_period: timedelta = timedelta(seconds=15)
    feature_gates: FeatureGates = field(default_factory=FeatureGates)

    def __post_init__(self) -> None:
        if self.tolerance < 0:
            raise ValueError("tolerance must be >= 0")
        if self.tolerance == 0:
            object.__setattr__(self, "tolerance", DEFAULT_TOLERANCE)

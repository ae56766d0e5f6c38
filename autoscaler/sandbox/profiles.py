"""Arrival-rate profiles: requests per second offered to a Deployment at scenario time ``t``.

``t`` is seconds since the fleet started. Every profile is a pure function of ``t`` and never
negative. A replay profile holds its samples; reading the CSV is the scenario loader's job.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class ConstantLoad:
    """The same rate at all times."""

    rps: float

    def rate_at(self, t: float) -> float:
        """Offered requests per second at ``t``."""
        return self.rps


@dataclass(frozen=True)
class DiurnalLoad:
    """``mean + amplitude * sin(2 pi t / period)``, clipped at zero (a day compressed to ``period``)."""

    mean_rps: float
    amplitude_rps: float
    period_seconds: float

    def rate_at(self, t: float) -> float:
        """Offered requests per second at ``t``."""
        phase = 2.0 * math.pi * t / self.period_seconds
        return max(0.0, self.mean_rps + self.amplitude_rps * math.sin(phase))


@dataclass(frozen=True)
class StepLoad:
    """``base_rps`` before ``at_seconds``, ``step_rps`` from then on (a level, not an increment)."""

    base_rps: float
    step_rps: float
    at_seconds: float

    def rate_at(self, t: float) -> float:
        """Offered requests per second at ``t``."""
        return self.step_rps if t >= self.at_seconds else self.base_rps


@dataclass(frozen=True)
class SpikeLoad:
    """``spike_rps`` during ``[at_seconds, at_seconds + duration_seconds)``, ``base_rps`` otherwise."""

    base_rps: float
    spike_rps: float
    at_seconds: float
    duration_seconds: float

    def rate_at(self, t: float) -> float:
        """Offered requests per second at ``t``."""
        inside = self.at_seconds <= t < self.at_seconds + self.duration_seconds
        return self.spike_rps if inside else self.base_rps


@dataclass(frozen=True)
class ReplayLoad:
    """Recorded ``(t_seconds, rps)`` samples, linearly interpolated.

    Before the first sample the first rate holds, after the last the last rate holds.
    ``times`` is strictly increasing and ``rates`` non-negative (the loader checks both).
    """

    times: tuple[float, ...]
    rates: tuple[float, ...]
    _arrays: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        arrays = (np.asarray(self.times, dtype=np.float64), np.asarray(self.rates, dtype=np.float64))
        object.__setattr__(self, "_arrays", arrays)

    def rate_at(self, t: float) -> float:
        """Offered requests per second at ``t``."""
        times, rates = self._arrays
        return float(np.interp(t, times, rates))

    def rates_at(self, t: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """``rate_at`` of every element of ``t``."""
        times, rates = self._arrays
        return np.interp(t, times, rates)


LoadProfile = ConstantLoad | DiurnalLoad | StepLoad | SpikeLoad | ReplayLoad

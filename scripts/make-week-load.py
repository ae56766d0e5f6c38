"""Writes examples/scenarios/gpu-week.csv: three weeks of requests/s for one GPU model.

Two weeks of history (t < 0) then the simulated week (t = 0 is a Monday 00:00). Weekdays: 12
requests/s at night, a 45-minute ramp to 100 from 08:00, a lunch dip, a second ramp at 13:30 and an
evening decline; weekends at 45 % of that, ramping later; +2 % a week of growth; 6 % multiplicative
noise every 5 minutes. Two spikes nobody announced, only in the simulated week: Tuesday 15:00
(x2.2 for 25 minutes) and Thursday 10:30 (x1.6 for 15 minutes). Deterministic (seed 14).

    python scripts/make-week-load.py
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

DAY = 86_400.0
OUT = Path(__file__).resolve().parent.parent / "examples" / "scenarios" / "gpu-week.csv"
SPIKES = ((1 * DAY + 15 * 3600, 25 * 60, 2.2), (3 * DAY + 10.5 * 3600, 15 * 60, 1.6))


def _ramp(hour: float, start: float, minutes: float) -> float:
    """0 before ``start``, 1 after ``start + minutes``, a cosine in between."""
    x = min(max((hour - start) * 60.0 / minutes, 0.0), 1.0)
    return 0.5 - 0.5 * math.cos(math.pi * x)


def _shape(t: float) -> float:
    day = math.floor(t / DAY) % 7
    hour = (t % DAY) / 3600.0
    weekend = day >= 5
    start = 10.0 if weekend else 8.0
    up = _ramp(hour, start, 45.0)
    lunch = 0.25 * (_ramp(hour, 12.0, 30.0) - _ramp(hour, 13.5, 30.0))
    down = _ramp(hour, 18.0, 180.0)
    level = 12.0 + 88.0 * max(up - lunch - down, 0.0)
    return level * (0.45 if weekend else 1.0)


def main() -> None:
    rng = np.random.default_rng(14)
    times = np.arange(-14 * DAY, 7 * DAY + 1, 300.0)
    rates = np.array([_shape(t) * (1.0 + 0.02 * t / (7 * DAY)) for t in times])
    rates *= np.exp(0.06 * rng.standard_normal(len(times)))
    points = dict(zip(times.tolist(), rates.tolist(), strict=True))
    for at, duration, factor in SPIKES:
        for edge in (at - 60.0, at, at + duration, at + duration + 60.0):
            points.setdefault(edge, float(np.interp(edge, times, rates)))
        for t in list(points):
            if at <= t < at + duration:
                points[t] *= factor
    lines = ["t_seconds,rps"] + [f"{t:.0f},{points[t]:.3f}" for t in sorted(points)]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

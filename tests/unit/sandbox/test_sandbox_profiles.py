"""Load profiles: offered rate as a function of scenario time."""

from __future__ import annotations

import pytest

from autoscaler.sandbox.profiles import (
    ConstantLoad,
    DiurnalLoad,
    LoadProfile,
    ReplayLoad,
    SpikeLoad,
    StepLoad,
)


@pytest.mark.parametrize(
    ("profile", "t", "expected"),
    [
        pytest.param(ConstantLoad(rps=7), 1e6, 7, id="constant"),
        pytest.param(
            DiurnalLoad(mean_rps=10, amplitude_rps=4, period_seconds=100), 0, 10, id="diurnal-start"
        ),
        pytest.param(
            DiurnalLoad(mean_rps=10, amplitude_rps=4, period_seconds=100), 25, 14, id="diurnal-peak"
        ),
        pytest.param(
            DiurnalLoad(mean_rps=10, amplitude_rps=4, period_seconds=100), 75, 6, id="diurnal-trough"
        ),
        pytest.param(
            DiurnalLoad(mean_rps=1, amplitude_rps=4, period_seconds=100), 75, 0, id="diurnal-clipped"
        ),
        pytest.param(StepLoad(base_rps=10, step_rps=30, at_seconds=60), 59.9, 10, id="before-step"),
        pytest.param(StepLoad(base_rps=10, step_rps=30, at_seconds=60), 60, 30, id="at-step"),
        pytest.param(StepLoad(base_rps=10, step_rps=2, at_seconds=60), 100, 2, id="step-down"),
        pytest.param(
            SpikeLoad(base_rps=5, spike_rps=50, at_seconds=10, duration_seconds=5), 9, 5, id="pre-spike"
        ),
        pytest.param(
            SpikeLoad(base_rps=5, spike_rps=50, at_seconds=10, duration_seconds=5), 12, 50, id="spike"
        ),
        pytest.param(
            SpikeLoad(base_rps=5, spike_rps=50, at_seconds=10, duration_seconds=5), 15, 5, id="post-spike"
        ),
        pytest.param(ReplayLoad(times=(0, 10, 20), rates=(0, 10, 40)), 15, 25, id="replay-interpolates"),
        pytest.param(ReplayLoad(times=(5, 10), rates=(3, 10)), 0, 3, id="replay-before-first"),
        pytest.param(ReplayLoad(times=(5, 10), rates=(3, 10)), 99, 10, id="replay-after-last"),
    ],
)
def test_rate_at(profile: LoadProfile, t: float, expected: float) -> None:
    assert profile.rate_at(t) == pytest.approx(expected, abs=1e-9)

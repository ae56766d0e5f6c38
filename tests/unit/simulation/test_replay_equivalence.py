"""The vectorised replay decides exactly as the scalar replay, which runs the exact ``reconcile``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autoscaler.hpa import ControllerConfig, HorizontalPodAutoscaler
from autoscaler.hpa.spec.horizontal_pod_autoscaler import Behavior, ScalingPolicy, ScalingRules, SelectPolicy
from autoscaler.simulation import (
    ReplayGrid,
    ReplayKind,
    UnsupportedReplayError,
    VectorReplay,
    compile_batch,
    milli_values,
    replay_scalar,
)
from tests.unit.simulation.replay_builders import make_hpa, replay_cases

START = datetime(2025, 3, 1, tzinfo=UTC)


def scalar(
    hpa: HorizontalPodAutoscaler,
    kind: ReplayKind,
    initial: int,
    history: list[float | None],
    step: timedelta,
    config: ControllerConfig,
) -> np.ndarray:
    values = milli_values([np.nan if v is None else v for v in history])
    return replay_scalar(
        hpa, values, kind=kind, initial_replicas=initial, grid=ReplayGrid(START, step), config=config
    )


def vectorised(
    cases: list[tuple[HorizontalPodAutoscaler, ReplayKind, int, list[float | None]]],
    step: timedelta,
    config: ControllerConfig,
) -> np.ndarray:
    length = max(len(case[3]) for case in cases)
    values = np.full((length, len(cases)), np.nan)
    for column, (_, _, _, history) in enumerate(cases):
        values[: len(history), column] = [np.nan if v is None else v for v in history]
    batch = compile_batch([c[0] for c in cases], [c[1] for c in cases], config=config)
    engine = VectorReplay(batch, step=step, initial_replicas=np.array([c[2] for c in cases]))
    return engine.run(milli_values(values))


@settings(max_examples=60, deadline=None)
@given(
    cases=st.lists(replay_cases(), min_size=1, max_size=6),
    step_seconds=st.sampled_from([1, 5, 15, 30]),
    window=st.sampled_from([0, 60, 300]),
    tolerance=st.sampled_from([0.1, 0.05]),
)
def test_vectorised_replay_matches_reconcile_decision_for_decision(
    cases, step_seconds, window, tolerance
) -> None:  # type: ignore[no-untyped-def]
    config = ControllerConfig(tolerance=tolerance, downscale_stabilization_window=timedelta(seconds=window))
    step = timedelta(seconds=step_seconds)
    together = vectorised(cases, step, config)
    for column, (hpa, kind, initial, history) in enumerate(cases):
        expected = scalar(hpa, kind, initial, history, step, config)
        # Shorter histories were padded with gaps: compare the real cycles only.
        assert together[: len(history), column].tolist() == expected.tolist()


def _scale_down_after_up(period_down: int) -> Behavior:
    return Behavior(
        scale_up=ScalingRules(stabilization_window_seconds=0, policies=(ScalingPolicy("Pods", 1, 15),)),
        scale_down=ScalingRules(
            stabilization_window_seconds=0,
            select_policy=SelectPolicy.MAX,
            policies=(ScalingPolicy("Pods", 1, period_down),),
        ),
    )


@pytest.mark.parametrize(
    ("kind", "behavior", "history", "initial"),
    [
        pytest.param(
            ReplayKind.PODS_TOTAL, None, [40.0] * 5 + [5.0] * 30, 2, id="legacy-up-then-stabilised-down"
        ),
        pytest.param(ReplayKind.PODS_AVERAGE, None, [30.0, None, None, 5.0, 25.0], 3, id="gaps-hold"),
        pytest.param(
            ReplayKind.PODS_TOTAL,
            _scale_down_after_up(600),
            [60.0] * 8 + [1.0] * 20,
            2,
            id="up-events-count-in-a-longer-down-period",
        ),
        pytest.param(
            ReplayKind.EXTERNAL_AVERAGE,
            _scale_down_after_up(30),
            [0.0, 100.0, 35.0, 35.0, 0.0],
            1,
            id="external",
        ),
        pytest.param(ReplayKind.PODS_TOTAL, None, [10.0, 10.0], 40, id="above-max-clamps-without-metrics"),
    ],
)
def test_known_histories_replay_identically(kind, behavior, history, initial) -> None:  # type: ignore[no-untyped-def]
    hpa = make_hpa(kind, behavior=behavior, max_replicas=12)
    config = ControllerConfig()
    step = timedelta(seconds=15)
    expected = scalar(hpa, kind, initial, history, step, config)
    assert vectorised([(hpa, kind, initial, history)], step, config)[:, 0].tolist() == expected.tolist()


def test_overwritten_scale_up_slot_is_the_last_outdated_one() -> None:
    """Up-events older than the longest up period stay in the list and count in a longer down period.

    Up events +4 at 0 s and +1 at 15 s are both outdated (up period 15 s) when +2 is stored at 60 s;
    the controller overwrites the *last* outdated slot, so +4 survives and the 600 s down policy
    starts from 9 - (4 + 2) = 3: the scale-down to 1 is limited to 3 - 1 = 2.
    """
    behavior = Behavior(
        scale_up=ScalingRules(stabilization_window_seconds=0, policies=(ScalingPolicy("Pods", 4, 15),)),
        scale_down=ScalingRules(stabilization_window_seconds=0, policies=(ScalingPolicy("Pods", 1, 600),)),
    )
    hpa = make_hpa(ReplayKind.PODS_AVERAGE, target_milli=10_000, max_replicas=20, behavior=behavior)
    history: list[float | None] = [40.0, 11.5, 10.0, 10.0, 12.5, 1.0]
    case = (hpa, ReplayKind.PODS_AVERAGE, 2, history)
    step, config = timedelta(seconds=15), ControllerConfig()
    expected = scalar(*case, step, config)
    assert expected.tolist() == [6, 7, 7, 7, 9, 2]
    assert vectorised([case], step, config)[:, 0].tolist() == expected.tolist()


def test_scalar_replay_scales_out_and_holds_on_missing_samples() -> None:
    hpa = make_hpa(ReplayKind.PODS_TOTAL, target_milli=10_000, max_replicas=10)
    replicas = scalar(
        hpa, ReplayKind.PODS_TOTAL, 2, [20.0, 60.0, None, 60.0], timedelta(seconds=15), ControllerConfig()
    )
    # 20 rps on 2 pods = 10/pod: hold; 60 on 2 = 30/pod proposes 6, the legacy cap max(2C, 4) allows 4;
    # a gap holds; 60 on 4 = 15/pod -> ceil(1.5 * 4) = 6.
    assert replicas.tolist() == [2, 4, 4, 6]


@pytest.mark.parametrize(
    ("hpa", "kind"),
    [
        pytest.param(make_hpa(ReplayKind.PODS_TOTAL, min_replicas=0), ReplayKind.PODS_TOTAL, id="min-zero"),
        pytest.param(
            make_hpa(ReplayKind.PODS_TOTAL), ReplayKind.EXTERNAL_AVERAGE, id="kind-does-not-match-source"
        ),
    ],
)
def test_engine_refuses_what_it_does_not_cover(hpa: HorizontalPodAutoscaler, kind: ReplayKind) -> None:
    with pytest.raises(UnsupportedReplayError):
        compile_batch([hpa], [kind], config=ControllerConfig())


def test_milli_values_marks_gaps_and_refuses_negative_values() -> None:
    assert milli_values([1.5, np.nan, 0.0004]).tolist() == [1500, -1, 0]
    with pytest.raises(ValueError, match="negative"):
        milli_values([-1.0])

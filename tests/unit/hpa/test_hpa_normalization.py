"""Stabilisation, rate limits and scale events: legacy and behaviour normalisation (horizontal_test.go)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hpa_builders import NOW

from autoscaler.hpa.behavior.normalization import normalize_legacy, normalize_with_behavior
from autoscaler.hpa.behavior.scale_events import (
    period_start,
    scale_down_limit,
    scale_up_limit,
    store_scale_event,
)
from autoscaler.hpa.behavior.stabilization import stabilize_legacy, stabilize_with_behavior
from autoscaler.hpa.behavior.state import HPAState, Recommendation, ScaleEvent
from autoscaler.hpa.spec.horizontal_pod_autoscaler import Behavior, ScalingPolicy, ScalingRules, SelectPolicy

W300 = timedelta(seconds=300)


def ago(seconds: float) -> object:
    return NOW - timedelta(seconds=seconds)


def recs(*pairs: tuple[int, float]) -> tuple[Recommendation, ...]:
    return tuple(Recommendation(replicas, NOW - timedelta(seconds=age)) for replicas, age in pairs)


def up_events(*pairs: tuple[int, float]) -> tuple[ScaleEvent, ...]:
    return tuple(ScaleEvent(change, NOW - timedelta(seconds=age)) for change, age in pairs)


# --- legacy -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("history", "desired", "expected", "stored"),
    [
        # a recommendation 100 s old of 5 holds a proposal of 2 at 5
        pytest.param(recs((5, 100)), 2, 5, [(5, 100), (2, 0)], id="downscale-held"),
        # age exactly W (300 s) is still inside the window (cutoff is strict "before")
        pytest.param(recs((5, 300)), 2, 5, [(5, 300), (2, 0)], id="boundary-inclusive"),
        # older than W: ignored, and its slot is reused
        pytest.param(recs((5, 301)), 2, 2, [(2, 0)], id="old-slot-reused"),
        # no scale-up stabilisation on the legacy path
        pytest.param(recs((3, 10)), 8, 8, [(3, 10), (8, 0)], id="no-upscale-stabilisation"),
        # the LAST old slot is the one replaced
        pytest.param(
            recs((9, 400), (4, 350), (6, 100)), 1, 6, [(9, 400), (1, 0), (6, 100)], id="last-old-slot"
        ),
    ],
)
def test_stabilize_legacy(
    history: tuple[Recommendation, ...], desired: int, expected: int, stored: list[tuple[int, float]]
) -> None:
    best, new_history = stabilize_legacy(history, desired=desired, now=NOW, window=W300)
    assert best == expected
    assert new_history == recs(*stored)


@pytest.mark.parametrize(
    ("current", "desired", "minimum", "maximum", "expected", "reason"),
    [
        # limit int32(max(2 * 3, 4)) = 6 < max 20 -> ScaleUpLimit
        pytest.param(3, 10, 1, 20, 6, "ScaleUpLimit", id="scale-up-limit-doubles"),
        # limit max(2, 4) = 4
        pytest.param(1, 10, 1, 20, 4, "ScaleUpLimit", id="scale-up-limit-minimum-4"),
        # max 5 <= limit 6 -> TooManyReplicas
        pytest.param(3, 10, 1, 5, 5, "TooManyReplicas", id="too-many"),
        pytest.param(3, 1, 2, 10, 2, "TooFewReplicas", id="too-few"),
        pytest.param(3, 5, 1, 10, 5, "DesiredWithinRange", id="within-range"),
        # scale from zero on the legacy path: cap max(0, 4) = 4
        pytest.param(0, 9, 0, 10, 4, "ScaleUpLimit", id="from-zero-cap-4"),
    ],
)
def test_normalize_legacy_rules(
    current: int, desired: int, minimum: int, maximum: int, expected: int, reason: str
) -> None:
    norm = normalize_legacy(
        HPAState(recommendations=()),
        current=current,
        desired=desired,
        min_replicas=minimum,
        max_replicas=maximum,
        now=NOW,
        window=W300,
    )
    assert (norm.desired, norm.limited_reason[0]) == (expected, reason)


def test_normalize_legacy_reports_stabilisation() -> None:
    norm = normalize_legacy(
        HPAState(recommendations=recs((7, 60))),
        current=7,
        desired=3,
        min_replicas=1,
        max_replicas=10,
        now=NOW,
        window=W300,
    )
    assert (norm.desired, norm.stabilized, norm.able_reason[0]) == (7, 7, "ScaleDownStabilized")


# --- behaviour: stabilisation ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("history", "current", "desired", "up", "down", "expected"),
    [
        # default windows (up 0, down 300): a scale-up is immediate even over the seeded C
        pytest.param(recs((4, 0)), 4, 9, 0, 300, 9, id="scale-up-immediate"),
        # scale-down held at the highest recommendation of the last 300 s
        pytest.param(recs((8, 120), (6, 60)), 8, 3, 0, 300, 8, id="scale-down-held"),
        # scale-up window 60 s: limited to the lowest recommendation within it (6)
        pytest.param(recs((6, 30)), 5, 8, 60, 300, 6, id="scale-up-window-min"),
        # the windows are strict: age exactly 300 s is outside the down window
        pytest.param(recs((8, 300)), 8, 3, 0, 300, 3, id="down-window-strict"),
        # opposite history: up = min(8, 4) = 4 < C; down = max(8, 9) = 9; clamp C=6 into [4, 9] -> 6
        pytest.param(recs((4, 20), (9, 20)), 6, 8, 60, 60, 6, id="clamped-to-current"),
    ],
)
def test_stabilize_with_behavior(
    history: tuple[Recommendation, ...], current: int, desired: int, up: int, down: int, expected: int
) -> None:
    stabilized, _ = stabilize_with_behavior(
        history,
        desired=desired,
        current=current,
        now=NOW,
        up_window=timedelta(seconds=up),
        down_window=timedelta(seconds=down),
    )
    assert stabilized == expected


def test_behavior_slot_reuse_needs_age_beyond_both_windows() -> None:
    # windows 60 and 300: the 100 s-old entry is inside the down window and stays; the 400 s one is reused
    history = recs((3, 400), (5, 100))
    _, stored = stabilize_with_behavior(
        history, desired=7, current=5, now=NOW, up_window=timedelta(seconds=60), down_window=W300
    )
    assert stored == recs((7, 0), (5, 100))


# --- behaviour: policies -----------------------------------------------------------------------

UP_DEFAULT = (ScalingPolicy("Pods", 4, 15), ScalingPolicy("Percent", 100, 15))


@pytest.mark.parametrize(
    ("rules", "current", "events", "expected"),
    [
        # Pods: 3 + 4 = 7; Percent: ceil(3 * 2.0) = 6; Max -> 7
        pytest.param(ScalingRules(0, SelectPolicy.MAX, UP_DEFAULT), 3, (), 7, id="max-picks-largest"),
        pytest.param(ScalingRules(0, SelectPolicy.MIN, UP_DEFAULT), 3, (), 6, id="min-picks-smallest"),
        pytest.param(
            ScalingRules(0, SelectPolicy.DISABLED, UP_DEFAULT), 3, (), 3, id="disabled-returns-current"
        ),
        # a 1% policy still adds one pod: ceil(10 * 1.01 = 10.1) = 11
        pytest.param(
            ScalingRules(0, SelectPolicy.MAX, (ScalingPolicy("Percent", 1, 60),)),
            10,
            (),
            11,
            id="percent-rounds-up",
        ),
        # an up event of 2 at 10 s is inside the 15 s period: start 5 - 2 = 3 -> Pods 3 + 4 = 7
        pytest.param(
            ScalingRules(0, SelectPolicy.MAX, (ScalingPolicy("Pods", 4, 15),)),
            5,
            up_events((2, 10)),
            7,
            id="period-start-subtracts-events",
        ),
        # ... at exactly 15 s it is outside (age < period is required): 5 + 4 = 9
        pytest.param(
            ScalingRules(0, SelectPolicy.MAX, (ScalingPolicy("Pods", 4, 15),)),
            5,
            up_events((2, 15)),
            9,
            id="period-boundary-strict",
        ),
        # from zero a Percent-only policy allows nothing: ceil(0 * 2) = 0
        pytest.param(
            ScalingRules(0, SelectPolicy.MAX, (ScalingPolicy("Percent", 100, 15),)),
            0,
            (),
            0,
            id="percent-from-zero",
        ),
    ],
)
def test_scale_up_limit(
    rules: ScalingRules, current: int, events: tuple[ScaleEvent, ...], expected: int
) -> None:
    assert scale_up_limit(current, events, (), rules, NOW) == expected


@pytest.mark.parametrize(
    ("rules", "current", "down", "expected"),
    [
        # Percent 50: trunc(10 * 0.5) = 5; Pods 3: 7; Max (largest change) -> min(5, 7) = 5
        pytest.param(
            ScalingRules(
                None, SelectPolicy.MAX, (ScalingPolicy("Percent", 50, 60), ScalingPolicy("Pods", 3, 60))
            ),
            10,
            (),
            5,
            id="max-largest-change",
        ),
        pytest.param(
            ScalingRules(
                None, SelectPolicy.MIN, (ScalingPolicy("Percent", 50, 60), ScalingPolicy("Pods", 3, 60))
            ),
            10,
            (),
            7,
            id="min-smallest-change",
        ),
        pytest.param(
            ScalingRules(None, SelectPolicy.DISABLED, (ScalingPolicy("Percent", 50, 60),)),
            10,
            (),
            10,
            id="disabled",
        ),
        # Percent truncates: trunc(7 * 0.7 = 4.8999999999999995) = 4
        pytest.param(
            ScalingRules(None, SelectPolicy.MAX, (ScalingPolicy("Percent", 30, 60),)),
            7,
            (),
            4,
            id="percent-truncates",
        ),
        # a down event of 3 at 5 s: start 10 + 3 = 13 -> 13 - 4 = 9
        pytest.param(
            ScalingRules(None, SelectPolicy.MAX, (ScalingPolicy("Pods", 4, 60),)),
            10,
            up_events((3, 5)),
            9,
            id="period-start-adds-down-events",
        ),
    ],
)
def test_scale_down_limit(
    rules: ScalingRules, current: int, down: tuple[ScaleEvent, ...], expected: int
) -> None:
    assert scale_down_limit(current, (), down, rules, NOW) == expected


def test_period_start_uses_both_directions() -> None:
    # C=10, +4 up at 5 s, +2 down at 20 s; period 30 s: 10 - 4 + 2 = 8; period 10 s: 10 - 4 = 6
    up, down = up_events((4, 5)), up_events((2, 20))
    assert (period_start(10, up, down, 30, NOW), period_start(10, up, down, 10, NOW)) == (8, 6)


def behavior(up: ScalingRules | None = None, down: ScalingRules | None = None) -> Behavior:
    return Behavior(scale_up=up, scale_down=down)


@pytest.mark.parametrize(
    ("beh", "state", "current", "desired", "minimum", "maximum", "expected", "reason"),
    [
        # default policies from C=3: max(3 + 4, ceil(3 * 2)) = 7 < 20 -> ScaleUpLimit
        pytest.param(
            behavior(), HPAState(recs((3, 0))), 3, 30, 1, 20, 7, "ScaleUpLimit", id="default-scale-up-policy"
        ),
        # max 5 <= limit 7 -> TooManyReplicas
        pytest.param(behavior(), HPAState(recs((3, 0))), 3, 30, 1, 5, 5, "TooManyReplicas", id="too-many"),
        # scale-down with the default Percent 100 policy is bounded only by min: TooFewReplicas
        pytest.param(
            behavior(down=ScalingRules(stabilization_window_seconds=0)),
            HPAState(()),
            6,
            0,
            2,
            10,
            2,
            "TooFewReplicas",
            id="too-few",
        ),
        # Pods 1 per 60 s down: 6 - 1 = 5 > min -> ScaleDownLimit
        pytest.param(
            behavior(down=ScalingRules(0, SelectPolicy.MAX, (ScalingPolicy("Pods", 1, 60),))),
            HPAState(()),
            6,
            2,
            1,
            10,
            5,
            "ScaleDownLimit",
            id="scale-down-limit",
        ),
        # scale-down disabled: the limit is C, so nothing moves
        pytest.param(
            behavior(down=ScalingRules(0, SelectPolicy.DISABLED)),
            HPAState(()),
            6,
            2,
            1,
            10,
            6,
            "ScaleDownLimit",
            id="scale-down-disabled",
        ),
        # 4 pods added 5 s ago in a Pods-4/60 s period: start 8 - 4 = 4, limit 4 + 4 = 8 = C -> no growth
        pytest.param(
            behavior(up=ScalingRules(0, SelectPolicy.MAX, (ScalingPolicy("Pods", 4, 60),))),
            HPAState((), scale_up_events=up_events((4, 5))),
            8,
            20,
            1,
            30,
            8,
            "ScaleUpLimit",
            id="scale-up-budget-spent",
        ),
        # limit max(8 + 4, ceil(8 * 2)) = 16 but max 8 is lower -> TooManyReplicas
        pytest.param(behavior(), HPAState(()), 8, 9, 1, 8, 8, "TooManyReplicas", id="capped-at-max"),
        # a scale-down is not checked against max: 9 (above max 5) -> 7 stays 7 under default policies
        pytest.param(
            behavior(down=ScalingRules(stabilization_window_seconds=0)),
            HPAState(()),
            9,
            7,
            1,
            5,
            7,
            "DesiredWithinRange",
            id="max-not-enforced-downwards",
        ),
    ],
)
def test_normalize_with_behavior(
    beh: Behavior,
    state: HPAState,
    current: int,
    desired: int,
    minimum: int,
    maximum: int,
    expected: int,
    reason: str,
) -> None:
    norm = normalize_with_behavior(
        state,
        behavior=beh,
        current=current,
        desired=desired,
        min_replicas=minimum,
        max_replicas=maximum,
        now=NOW,
        default_down_window=W300,
    )
    assert (norm.desired, norm.limited_reason[0]) == (expected, reason)


def test_behavior_uses_flag_window_when_scale_down_window_unset() -> None:
    # scaleDown.stabilizationWindowSeconds unset -> the 300 s flag: a 250 s-old 9 holds a proposal of 4
    norm = normalize_with_behavior(
        HPAState(recs((9, 250))),
        behavior=behavior(),
        current=9,
        desired=4,
        min_replicas=1,
        max_replicas=10,
        now=NOW,
        default_down_window=W300,
    )
    assert (norm.desired, norm.able_reason[0], norm.down_window) == (9, "ScaleDownStabilized", W300)


# --- scale events ------------------------------------------------------------------------------


def test_store_scale_event_marks_outdated_and_reuses_last_slot() -> None:
    # longest scale-up period 60 s: events at 100 s and 70 s are outdated; the last one (70 s) is reused
    beh = behavior(
        up=ScalingRules(0, SelectPolicy.MAX, (ScalingPolicy("Pods", 4, 15), ScalingPolicy("Pods", 2, 60)))
    )
    state = HPAState((), scale_up_events=up_events((1, 100), (2, 70), (3, 30)))
    new = store_scale_event(state, behavior=beh, previous=4, new=9, now=NOW)
    assert new.scale_up_events == (
        ScaleEvent(1, NOW - timedelta(seconds=100), outdated=True),
        ScaleEvent(5, NOW, outdated=False),
        ScaleEvent(3, NOW - timedelta(seconds=30), outdated=False),
    )


def test_store_scale_event_appends_scale_down_and_keeps_outdated_flag() -> None:
    beh = behavior()
    state = HPAState((), scale_down_events=(ScaleEvent(2, NOW - timedelta(seconds=5), outdated=True),))
    new = store_scale_event(state, behavior=beh, previous=6, new=4, now=NOW)
    # default scale-down period 15 s: the 5 s-old event is not newly outdated, but its flag is
    # permanent, so its slot is reused
    assert new.scale_down_events == (ScaleEvent(2, NOW, outdated=False),)


def test_store_scale_event_appends_when_nothing_is_outdated() -> None:
    state = HPAState((), scale_down_events=up_events((1, 5)))
    new = store_scale_event(state, behavior=behavior(), previous=6, new=4, now=NOW)
    assert new.scale_down_events == (*up_events((1, 5)), ScaleEvent(2, NOW))


def test_legacy_path_stores_no_events() -> None:
    state = HPAState(())
    assert store_scale_event(state, behavior=None, previous=2, new=5, now=NOW) is state

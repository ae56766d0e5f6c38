"""Pod grouping (upstream TestGroupPods) and requests, with production timings (300 s / 30 s)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hpa_builders import NOW

from autoscaler.hpa.metrics.calculation import CalculationError
from autoscaler.hpa.metrics.pods import calculate_requests, group_pods
from autoscaler.hpa.metrics.reader import PodMetric
from autoscaler.hpa.spec.objects import ContainerSpec, Pod, PodCondition

INIT = timedelta(seconds=300)
DELAY = timedelta(seconds=30)


def ago(seconds: float) -> object:
    return NOW - timedelta(seconds=seconds)


def pod(
    name: str,
    *,
    start: float | None = None,
    ready: str | None = None,
    transition: float = 0.0,
    phase: str = "Running",
    deleting: bool = False,
) -> Pod:
    condition = PodCondition(ready, NOW - timedelta(seconds=transition)) if ready is not None else None
    return Pod(
        name=name,
        phase=phase,
        deleting=deleting,
        ready=condition,
        start_time=NOW - timedelta(seconds=start) if start is not None else None,
    )


def sample(age: float = 0.0, window: float = 60.0) -> PodMetric:
    return PodMetric(1, NOW - timedelta(seconds=age), timedelta(seconds=window))


@pytest.mark.parametrize(
    ("the_pod", "metric", "resource", "group"),
    [
        # memory: readiness is never checked, even a Succeeded pod with no condition counts
        pytest.param(pod("bentham", phase="Succeeded"), sample(), "memory", "ready", id="memory-ready"),
        pytest.param(pod("lucretius", start=0), sample(), "cpu", "unready", id="cpu-no-ready-condition"),
        pytest.param(
            pod("lucretius", ready="True", transition=30), sample(), "cpu", "unready", id="cpu-no-start-time"
        ),
        # started 60 s ago (initialising), ready 30 s ago, sample window 30 s ending now: fresh -> ready
        pytest.param(
            pod("bentham", start=60, ready="True", transition=30),
            sample(window=30),
            "cpu",
            "ready",
            id="initialising-fresh-sample",
        ),
        # same pod, but a 60 s window reaches back before the transition: not a full window -> unready
        pytest.param(
            pod("bentham", start=60, ready="True", transition=30),
            sample(window=60),
            "cpu",
            "unready",
            id="initialising-stale-sample",
        ),
        # sample ends exactly at transition + window: "before" is strict -> ready
        pytest.param(
            pod("bentham", start=60, ready="True", transition=60),
            sample(window=60),
            "cpu",
            "ready",
            id="initialising-boundary",
        ),
        pytest.param(
            pod("lucretius", start=100, ready="False", transition=90),
            sample(),
            "cpu",
            "unready",
            id="initialising-not-ready",
        ),
        # past initialisation, ready: counts even with an old sample
        pytest.param(
            pod("bentham", start=600, ready="True", transition=600),
            sample(age=120),
            "cpu",
            "ready",
            id="initialised-ready",
        ),
        # past initialisation, unready since 9 min but became unready long after start (60 s > 30 s delay)
        pytest.param(
            pod("lucretius", start=600, ready="False", transition=540),
            sample(),
            "cpu",
            "ready",
            id="was-ready-then-unready-counts",
        ),
        # never became ready: transition 10 s after start is within the 30 s initial readiness delay
        pytest.param(
            pod("lucretius", start=600, ready="False", transition=590),
            sample(),
            "cpu",
            "unready",
            id="never-ready",
        ),
        # Unknown is not False
        pytest.param(
            pod("lucretius", start=600, ready="Unknown", transition=590),
            sample(),
            "cpu",
            "ready",
            id="unknown-is-not-false",
        ),
        pytest.param(pod("epicurus", start=180), None, "cpu", "missing", id="missing"),
        pytest.param(pod("p", phase="Pending"), None, "cpu", "unready", id="pending-before-missing"),
        pytest.param(pod("p", phase="Failed"), sample(), "cpu", "ignored", id="failed"),
        pytest.param(pod("p", deleting=True, ready="True"), sample(), "", "ignored", id="deleting"),
    ],
)
def test_group_pods(the_pod: Pod, metric: PodMetric | None, resource: str, group: str) -> None:
    metrics = {the_pod.name: metric} if metric is not None else {}
    groups = group_pods(
        [the_pod], metrics, resource=resource, now=NOW, cpu_initialization_period=INIT, readiness_delay=DELAY
    )
    found = {name: "ready" for name in groups.ready}
    found |= {name: "unready" for name in groups.unready}
    found |= {name: "missing" for name in groups.missing}
    found |= {name: "ignored" for name in groups.ignored}
    assert found == {the_pod.name: group}


def test_requests_sum_regular_and_restartable_init_containers() -> None:
    the_pod = Pod(
        "p",
        containers=(ContainerSpec("app", {"cpu": 2000}),),
        init_containers=(ContainerSpec("proxy", {"cpu": 100}, "Always"), ContainerSpec("setup", {}, None)),
    )
    assert calculate_requests([the_pod], container=None, resource="cpu", pod_level_resources=True) == {
        "p": 2100
    }


@pytest.mark.parametrize(
    ("gate", "container", "expected"),
    [
        pytest.param(True, None, 3000, id="pod-level-used"),
        pytest.param(False, None, 2000, id="pod-level-gate-off"),
        pytest.param(True, "app", 2000, id="container-takes-precedence"),
    ],
)
def test_pod_level_requests(gate: bool, container: str | None, expected: int) -> None:
    the_pod = Pod("p", containers=(ContainerSpec("app", {"cpu": 2000}),), pod_requests={"cpu": 3000})
    assert calculate_requests([the_pod], container=container, resource="cpu", pod_level_resources=gate) == {
        "p": expected
    }


def test_a_failed_pod_without_requests_fails_the_metric() -> None:
    pods = [
        Pod("ok", containers=(ContainerSpec("app", {"cpu": 500}),)),
        Pod("gone", phase="Failed", containers=(ContainerSpec("app", {}),)),
    ]
    with pytest.raises(CalculationError, match="missing request for cpu in container app of Pod gone"):
        calculate_requests(pods, container=None, resource="cpu", pod_level_resources=True)

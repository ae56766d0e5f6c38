"""Resource, ContainerResource and Pods metric proposals: the cases of upstream replica_calculator_test.go.

Each pod has two containers requesting ``requests[i]`` each, so a pod requests twice that; with
``levels(...)`` both containers use the level, so a pod uses twice the level. Hand computations are
in the comments: util = trunc(100 * sum(usage) / sum(request)), ratio = util / target.
"""

from __future__ import annotations

import pytest
from hpa_builders import COOL, HOT, NOW, TEST_CONFIG, harness_pods, levels, plain_samples, samples

from autoscaler.hpa.metrics.calculation import CalculationError
from autoscaler.hpa.metrics.pod_replicas import average_value_replicas, utilization_replicas
from autoscaler.hpa.metrics.tolerance import Tolerances

TOL = Tolerances(scale_down=0.1, scale_up=0.1)
ONE = "1.0"

UTILIZATION_CASES = [
    # 3000/6000 -> 50%; 50/30 = 1.6667; ceil(1.6667 * 3 = 5.0) = 5; raw 3000/3 = 1000
    pytest.param(dict(c=3, req=[ONE] * 3, lv=levels(300, 500, 700), t=30), 5, 50, 1000, id="scale-up"),
    # container2 only: 1500/3000 -> 50% -> 5; raw 500
    pytest.param(
        dict(c=3, req=[ONE] * 3, lv=[[1000, 300], [1000, 500], [1000, 700]], t=30, container="container2"),
        5,
        50,
        500,
        id="container-scale-up",
    ),
    # pod0 not ready and never ready -> unready; 2400/4000 = 60% -> ratio 2 > 1 with unready pods:
    # rebalance pod0 = 0 -> 2400/6000 = 40% -> 1.3333; ceil(1.3333 * 3 = 4.0) = 4
    pytest.param(
        dict(c=3, req=[ONE] * 3, lv=levels(300, 500, 700), t=30, ready=["False", "True", "True"]),
        4,
        60,
        1200,
        id="unready-less-scale",
    ),
    # pod0 started 1 min ago (inside the 2-min CPU initialisation) and its sample predates
    # lastTransitionTime + window -> unready; same numbers as above
    pytest.param(
        dict(c=3, req=[ONE] * 3, lv=levels(300, 500, 700), t=30, start=[HOT, COOL, COOL]),
        4,
        60,
        1200,
        id="hot-cpu-less-scale",
    ),
    pytest.param(
        dict(
            c=3,
            req=[ONE] * 3,
            lv=[[0, 300], [0, 500], [0, 700]],
            t=30,
            start=[HOT, COOL, COOL],
            container="container2",
        ),
        4,
        60,
        600,
        id="container-hot-cpu-less-scale",
    ),
    # only pod0 ready: 800/2000 = 40% -> 1.3333; rebalance pods 1,2 = 0 -> 800/6000 = 13% -> 0.4333:
    # direction flips -> keep 3
    pytest.param(
        dict(c=3, req=[ONE] * 3, lv=levels(400, 500, 700), t=30, ready=["True", "False", "False"]),
        3,
        40,
        800,
        id="unready-no-scale",
    ),
    pytest.param(
        dict(
            c=3,
            req=[ONE] * 3,
            lv=levels(400, 500, 700),
            t=30,
            ready=["True", "False", "False"],
            start=[COOL, HOT, HOT],
        ),
        3,
        40,
        800,
        id="hot-cpu-no-scale",
    ),
    # two Failed pods are ignored: 2400/4000 = 60% -> 2.0; ceil(2.0 * 2) = 4
    pytest.param(
        dict(
            c=2,
            n=4,
            req=[ONE] * 4,
            lv=levels(500, 700),
            t=30,
            ready=["True", "True", "False", "False"],
            phase=["Running", "Running", "Failed", "Failed"],
        ),
        4,
        60,
        1200,
        id="scale-up-ignores-failed-pods",
    ),
    pytest.param(
        dict(
            c=2,
            n=4,
            req=[ONE] * 4,
            lv=[[1000, 500], [9000, 700], [1000], [9000]],
            t=30,
            ready=["True", "True", "False", "False"],
            phase=["Running", "Running", "Failed", "Failed"],
            container="container2",
        ),
        4,
        60,
        600,
        id="missing-container-metric-ignores-failed-pods",
    ),
    pytest.param(
        dict(
            c=2,
            n=4,
            req=[ONE] * 4,
            lv=levels(500, 700),
            t=30,
            ready=["True", "True", "False", "False"],
            deleting=[False, False, True, True],
        ),
        4,
        60,
        1200,
        id="scale-up-ignores-deleting-pods",
    ),
    # 2800/10000 = 28% -> 0.56; ceil(0.56 * 5 = 2.8000000000000003) = 3; raw 2800/5 = 560
    pytest.param(
        dict(c=5, req=[ONE] * 5, lv=levels(100, 300, 500, 250, 250), t=50), 3, 28, 560, id="scale-down"
    ),
    pytest.param(
        dict(
            c=5,
            req=[ONE] * 5,
            lv=[[1000, 100], [1000, 300], [1000, 500], [1000, 250], [1000, 250]],
            t=50,
            container="container2",
        ),
        3,
        28,
        280,
        id="container-scale-down",
    ),
    # pods 3,4 never ready: 1800/6000 = 30% -> 0.6 (a scale-down ignores them); ceil(0.6 * 3) = 2
    pytest.param(
        dict(
            c=5,
            req=[ONE] * 5,
            lv=levels(100, 300, 500, 250, 250),
            t=50,
            ready=["True", "True", "True", "False", "False"],
        ),
        2,
        30,
        600,
        id="scale-down-excludes-unready-pods",
    ),
    # 4 Pending pods are unready: 200/2000 = 10% -> 0.2; ceil(0.2 * 1) = 1
    pytest.param(
        dict(
            c=5,
            req=[ONE] * 5,
            lv=levels(100),
            t=50,
            ready=["True", "False", "False", "False", "False"],
            phase=["Running", "Pending", "Pending", "Pending", "Pending"],
        ),
        1,
        10,
        200,
        id="scale-down-excludes-pending-pods",
    ),
    pytest.param(
        dict(
            c=5, req=[ONE] * 5, lv=levels(100, 300, 500, 250, 250), t=50, start=[COOL, COOL, COOL, HOT, HOT]
        ),
        2,
        30,
        600,
        id="scale-down-ignores-hot-cpu-pods",
    ),
    pytest.param(
        dict(
            c=5,
            n=7,
            req=[ONE] * 7,
            lv=levels(100, 300, 500, 250, 250),
            t=50,
            ready=["True"] * 5 + ["False"] * 2,
            phase=["Running"] * 5 + ["Failed"] * 2,
        ),
        3,
        28,
        560,
        id="scale-down-ignores-failed-pods",
    ),
    pytest.param(
        dict(
            c=5,
            n=7,
            req=[ONE] * 7,
            lv=[[1000, 100], [1000, 300], [1000, 500], [1000, 250], [1000, 250]],
            t=50,
            ready=["True"] * 5 + ["False"] * 2,
            deleting=[False] * 5 + [True] * 2,
            container="container2",
        ),
        3,
        28,
        280,
        id="scale-down-ignores-deleting-pods-still-running",
    ),
    # requests 1800+2000+2200, usage 2020+2060+2040 -> 102% -> 1.02 within [0.9, 1.1] -> keep 3
    pytest.param(
        dict(c=3, req=["0.9", "1.0", "1.1"], lv=levels(1010, 1030, 1020), t=100), 3, 102, 2040, id="tolerance"
    ),
    # 6 samples for 4 pods: the 2 superfluous ones are outside the sums: 47000/8000 -> 587% -> 5.87;
    # ceil(5.87 * 4 = 23.48) = 24; raw 47000/4 = 11750
    pytest.param(
        dict(c=4, req=[ONE] * 4, lv=levels(4000, 9500, 3000, 7000, 3200, 2000), t=100),
        24,
        587,
        11750,
        id="superfluous-metrics",
    ),
    # pods 2,3 missing: 990/4000 -> 24% -> 0.24 < 1: missing at 100% of request ->
    # 4990/8000 = 62% -> 0.62; ceil(0.62 * 4 = 2.48) = 3; raw 990/2 = 495
    pytest.param(dict(c=4, req=[ONE] * 4, lv=levels(400, 95), t=100), 3, 24, 495, id="missing-metrics"),
    # ratio exactly 1 with a missing pod: nothing is filled in, 1.0 within -> keep 2
    pytest.param(dict(c=2, req=[ONE] * 2, lv=levels(1000), t=100), 2, 100, 2000, id="missing-no-change-eq"),
    # 190% -> missing pod = 0 -> 3800/4000 = 95% -> 0.95 within -> keep 2
    pytest.param(dict(c=2, req=[ONE] * 2, lv=levels(1900), t=100), 2, 190, 3800, id="missing-no-change-gt"),
    # 60% -> missing pod = 100% -> 3200/4000 = 80% -> 0.8; ceil(0.8 * 2 = 1.6) = 2 -> 2
    pytest.param(dict(c=2, req=[ONE] * 2, lv=levels(600), t=100), 2, 60, 1200, id="missing-no-change-lt"),
    # pod0 unready, pod2 missing: 900/2000 = 45% -> 0.9; missing at 100% -> 2900/4000 = 72% -> 1.44:
    # the direction flips -> keep 3
    pytest.param(
        dict(c=3, req=[ONE] * 3, lv=levels(100, 450), t=50, ready=["False", "True", "True"]),
        3,
        45,
        900,
        id="missing-unready-change",
    ),
    pytest.param(
        dict(c=3, req=[ONE] * 3, lv=levels(100, 450), t=50, start=[HOT, COOL, COOL]),
        3,
        45,
        900,
        id="missing-hot-cpu-no-change",
    ),
    # 4000/2000 = 200% -> 4.0; unready and missing at 0 -> 4000/6000 = 66% -> 1.32; ceil(3.96) = 4
    pytest.param(
        dict(c=3, req=[ONE] * 3, lv=levels(100, 2000), t=50, ready=["False", "True", "True"]),
        4,
        200,
        4000,
        id="missing-unready-scale-up",
    ),
    pytest.param(
        dict(
            c=3,
            req=[ONE] * 3,
            lv=levels(100, 2000),
            t=50,
            ready=["False", "True", "True"],
            start=[HOT, COOL, COOL],
        ),
        4,
        200,
        4000,
        id="missing-hot-cpu-scale-up",
    ),
    # 400/4000 = 10% -> 0.2; missing pod3 at 100% -> 2400/6000 = 40% -> 0.8; ceil(0.8 * 3 = 2.4) = 3
    pytest.param(
        dict(c=4, req=[ONE] * 4, lv=levels(100, 100, 100), t=50, ready=["False", "True", "True", "True"]),
        3,
        10,
        200,
        id="missing-unready-scale-down",
    ),
    # requests 2000,2000,4000,4000; 400/6000 = 6% -> 0.02; missing pod3 at max(100, 300) = 300% of 4000 =
    # 12000 -> 12400/10000 = 124% -> 0.4133; ceil(0.4133 * 3 = 1.24) = 2
    pytest.param(
        dict(
            c=4,
            req=["1.0", "1.0", "2.0", "2.0"],
            lv=levels(200, 100, 100),
            t=300,
            ready=["False", "True", "True", "True"],
        ),
        2,
        6,
        200,
        id="missing-scale-down-target-over-100",
    ),
    # rolling update surge: 3 pods for C=2; 400/4000 = 10% -> missing at 100% -> 2400/6000 = 40% -> 0.8;
    # ceil(0.8 * 3 = 2.4) = 3 > C on a scale-down -> keep 2
    pytest.param(
        dict(c=2, n=3, req=[ONE] * 3, lv=levels(100, 100), t=50),
        2,
        10,
        200,
        id="rolling-update-with-max-surge",
    ),
    # ComputedToleranceAlgImplementation: 10 pods at 300m of ~600m requested -> 50%; target
    # trunc((1/(2 * 0.9) + 0.01) * 100) = 56 -> 0.8929 below 0.9 -> ceil(8.929) = 9
    pytest.param(
        dict(
            c=10,
            req=[f"{r}m" for r in (400, 200, 310, 290, 302, 298, 301, 299, 300, 300)],
            lv=levels(*[150] * 10),
            t=56,
        ),
        9,
        50,
        300,
        id="computed-tolerance-breached",
    ),
    # ... and with target trunc((1/(2 * 0.9) + 0.004) * 100) = 55 -> 0.9091 within -> keep 10
    pytest.param(
        dict(
            c=10,
            req=[f"{r}m" for r in (400, 200, 310, 290, 302, 298, 301, 299, 300, 300)],
            lv=levels(*[150] * 10),
            t=55,
        ),
        10,
        50,
        300,
        id="computed-tolerance-held",
    ),
]


@pytest.mark.parametrize(("case", "replicas", "utilization", "raw"), UTILIZATION_CASES)
def test_utilization_replicas(case: dict, replicas: int, utilization: int, raw: int) -> None:
    pods = harness_pods(
        case.get("n", case["c"]),
        requests=case["req"],
        readiness=case.get("ready"),
        start=case.get("start"),
        phase=case.get("phase"),
        deleting=case.get("deleting"),
    )
    calc = utilization_replicas(
        current_replicas=case["c"],
        target_utilization=case["t"],
        resource="cpu",
        container=case.get("container"),
        tolerances=TOL,
        pods=pods,
        samples=samples(case["lv"], container=case.get("container")),
        now=NOW,
        config=TEST_CONFIG,
    )
    assert (calc.replicas, calc.utilization, calc.usage) == (replicas, utilization, raw)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        # the only sample belongs to a pod that is not in the list: no request matches
        pytest.param(
            dict(c=1, req=[ONE], lv=levels(100), names=["an-older-pod-name"]),
            "no metrics returned matched known pods",
            id="disjoint-resources-metrics",
        ),
        pytest.param(
            dict(c=1, req=[], lv=levels(200)),
            "missing request for cpu in container container1 of Pod test-pod-0",
            id="empty-cpu-request",
        ),
        pytest.param(
            dict(c=0, req=[], lv=levels(200)),
            "no pods returned by selector while calculating replica count",
            id="no-pods",
        ),
        pytest.param(
            dict(c=1, req=[ONE], lv=levels(200), ready=["False"]),
            "did not receive metrics for targeted pods (pods might be unready)",
            id="only-unready-pods",
        ),
        pytest.param(
            dict(c=1, req=[ONE], lv=levels(200), container="sidecar"),
            "did not receive metrics for targeted pods (pods might be unready)",
            id="container-not-in-metrics",
        ),
    ],
)
def test_utilization_errors(case: dict, message: str) -> None:
    from hpa_builders import NAMESPACE, SELECTOR, harness_reader

    pods = harness_pods(case["c"], requests=case["req"], readiness=case.get("ready"))
    reader = harness_reader(case["lv"], names=case.get("names", ()))
    container = case.get("container")
    with pytest.raises(CalculationError) as info:
        utilization_replicas(
            current_replicas=case["c"],
            target_utilization=100,
            resource="cpu",
            container=container,
            tolerances=TOL,
            pods=pods,
            samples=reader.resource_metrics(
                "cpu", namespace=NAMESPACE, selector=SELECTOR, container=container
            ),
            now=NOW,
            config=TEST_CONFIG,
        )
    assert str(info.value) == message


def test_container_request_missing_container_is_an_error() -> None:
    pods = harness_pods(1, requests=[ONE])
    with pytest.raises(CalculationError, match="container sidecar not found in Pod test-pod-0"):
        utilization_replicas(
            current_replicas=1,
            target_utilization=50,
            resource="cpu",
            container="sidecar",
            tolerances=TOL,
            pods=pods,
            samples=plain_samples([100]),
            now=NOW,
            config=TEST_CONFIG,
        )


PLAIN_CASES = [
    # avg 20000 / 15000 = 1.3333; ceil(1.3333 * 3 = 4.0) = 4
    pytest.param(dict(c=3, v=[20000, 10000, 30000], t=15000), 4, 20000, id="scale-up-cm"),
    # Pods metrics never check readiness: avg 30000 -> 2.0 -> 6
    pytest.param(
        dict(c=3, v=[50000, 10000, 30000], t=15000, ready=["True", "True", "False"], start=[COOL, COOL, HOT]),
        6,
        30000,
        id="cm-unready-hot-cpu-no-less-scale",
    ),
    # avg trunc(95000 / 3) = 31666 -> 2.1111; ceil(6.3333) = 7
    pytest.param(
        dict(c=3, v=[50000, 15000, 30000], t=15000, ready=["False", "True", "False"], start=[HOT, COOL, HOT]),
        7,
        31666,
        id="cm-unready-hot-cpu-would-scale-down",
    ),
    # avg 12000 / 20000 = 0.6 -> ceil(3.0) = 3
    pytest.param(dict(c=5, v=[12000] * 5, t=20000), 3, 12000, id="scale-down-cm"),
    # avg trunc(62000 / 3) = 20666 -> 1.0333 within -> keep 3
    pytest.param(dict(c=3, v=[20000, 21000, 21000], t=20000), 3, 20666, id="tolerance-cm"),
    # 2 of 5 pods missing, ratio exactly 1.0: nothing filled in -> keep 5
    pytest.param(dict(c=5, v=[20000, 19000, 21000], t=20000), 5, 20000, id="missing-no-change-eq"),
    # surge pod missing: 10000/17000 = 0.588 -> missing at the target: trunc(37000 / 3) = 12333 ->
    # 0.7255; ceil(2.18) = 3 > C = 2 on a scale-down -> keep 2
    pytest.param(dict(c=2, n=3, v=[10000, 10000], t=17000), 2, 10000, id="rolling-update-with-max-surge-cm"),
    # missing pod on a scale-up counts 0: 40000/10000 = 4.0 -> (40000 + 0)/2 = 20000 -> 2.0; ceil(4.0) = 4
    pytest.param(dict(c=2, v=[40000], t=10000), 4, 40000, id="missing-scale-up-cm"),
]


@pytest.mark.parametrize(("case", "replicas", "usage"), PLAIN_CASES)
def test_average_value_replicas(case: dict, replicas: int, usage: int) -> None:
    pods = harness_pods(case.get("n", case["c"]), readiness=case.get("ready"), start=case.get("start"))
    calc = average_value_replicas(
        current_replicas=case["c"],
        target_milli=case["t"],
        resource="",
        tolerances=TOL,
        pods=pods,
        samples=plain_samples(case["v"]),
        now=NOW,
        config=TEST_CONFIG,
    )
    assert (calc.replicas, calc.usage) == (replicas, usage)


def test_cpu_average_value_applies_readiness_rules() -> None:
    # Resource cpu AverageValue groups pods with the CPU rules: pod0 (never ready) is unready.
    # ready avg (600 + 1000) / 2 = 800m vs 400m -> 2.0 > 1 with unready: pod0 = 0 ->
    # trunc(1600 / 3) = 533 -> 1.3325; ceil(3.9975) = 4 (without the rule: avg 733 -> ceil(5.4975) = 6)
    pods = harness_pods(3, readiness=["False", "True", "True"])
    calc = average_value_replicas(
        current_replicas=3,
        target_milli=400,
        resource="cpu",
        tolerances=TOL,
        pods=pods,
        samples=samples(levels(300, 300, 500)),
        now=NOW,
        config=TEST_CONFIG,
    )
    assert (calc.replicas, calc.usage, calc.pods.unready if calc.pods else ()) == (4, 800, ("test-pod-0",))


@pytest.mark.parametrize(
    ("tolerances", "expected"),
    [
        # 1.05 is inside the default band [0.9, 1.1] -> keep 10
        pytest.param(Tolerances(0.1, 0.1), 10, id="default-band-holds"),
        # a 1% scale-up tolerance lets 1.05 through: ceil(1.05 * 10 = 10.5) = 11
        pytest.param(Tolerances(0.1, 0.01), 11, id="tight-scale-up-tolerance"),
    ],
)
def test_per_direction_tolerance(tolerances: Tolerances, expected: int) -> None:
    pods = harness_pods(10)
    calc = average_value_replicas(
        current_replicas=10,
        target_milli=1000,
        resource="",
        tolerances=tolerances,
        pods=pods,
        samples=plain_samples([1050] * 10),
        now=NOW,
        config=TEST_CONFIG,
    )
    assert calc.replicas == expected


def test_band_edges_are_inclusive() -> None:
    # ratio exactly 0.9 (900/1000) is within (1 - 0.1) <= r: keep 10
    pods = harness_pods(10)
    calc = average_value_replicas(
        current_replicas=10,
        target_milli=1000,
        resource="",
        tolerances=Tolerances(0.1, 0.1),
        pods=pods,
        samples=plain_samples([900] * 10),
        now=NOW,
        config=TEST_CONFIG,
    )
    assert calc.replicas == 10

"""The series the dashboards read beyond the HPA's own: HPA info, conditions and metric targets,
GPU requests per pod, DCGM power and temperature, and the ownership labels the boards join on."""

from __future__ import annotations

from collections import defaultdict

import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample
from sandbox_documents import model, scenario

from autoscaler.sandbox import Fleet, ScenarioError
from autoscaler.sandbox.exposition import MetricsRenderer
from autoscaler.sandbox.gpu_power import power_limit_watts, power_watts, temperature_celsius

START = 1_700_000_000.0
A100 = {"model": "NVIDIA A100-SXM4-80GB", "memoryMiB": 81920, "mig": None}
MIG = {"model": "NVIDIA A100-SXM4-80GB", "memoryMiB": 40192, "mig": "3g.40gb"}


def _fleet(*, rps: float = 10, target: float | None = 4, metric: str | None = None) -> Fleet:
    hpa: dict[str, object] = {"minReplicas": 2, "maxReplicas": 4}
    if target is not None:
        hpa["targetAverageValue"] = target
    if metric is not None:
        hpa["metric"] = metric
    models = [
        model("llama", gpu=A100, capacityRps=10, hpa=hpa, load={"type": "constant", "rps": rps}),
        model("resnet", server="triton", gpu=MIG, replicas=3, load={"type": "constant", "rps": 30}),
    ]
    fleet = Fleet(scenario(*models), start=START)
    fleet.advance(START + 10)
    return fleet


def _samples(fleet: Fleet) -> dict[str, list[Sample]]:
    by_name: dict[str, list[Sample]] = defaultdict(list)
    for family in text_string_to_metric_families(MetricsRenderer(fleet).render().decode()):
        for sample in family.samples:
            by_name[sample.name].append(sample)
    return by_name


def _conditions(samples: dict[str, list[Sample]]) -> dict[str, dict[str, float]]:
    found: dict[str, dict[str, float]] = defaultdict(dict)
    for s in samples["kube_horizontalpodautoscaler_status_condition"]:
        assert s.labels["horizontalpodautoscaler"] == "llama"
        found[s.labels["condition"]][s.labels["status"]] = s.value
    return found


def test_hpa_info_names_the_deployment_it_scales_and_only_models_with_an_hpa_have_one() -> None:
    info = _samples(_fleet())["kube_horizontalpodautoscaler_info"]
    assert [s.labels for s in info] == [
        {
            "namespace": "ml",
            "horizontalpodautoscaler": "llama",
            "scaletargetref_api_version": "apps/v1",
            "scaletargetref_kind": "Deployment",
            "scaletargetref_name": "llama",
        }
    ]
    assert [s.value for s in info] == [1]


@pytest.mark.parametrize(
    ("rps", "target", "limited"),
    [
        pytest.param(10, 4, "false", id="within-bounds"),  # 10 rps / 4 per pod -> 3 replicas
        pytest.param(10, 1, "true", id="above-max"),  # 10 replicas wanted, max 4
        pytest.param(2, 4, "true", id="below-min"),  # 1 replica wanted, min 2
        pytest.param(10, None, "unknown", id="no-target"),
    ],
)
def test_hpa_conditions_one_status_each(rps: float, target: float | None, limited: str) -> None:
    conditions = _conditions(_samples(_fleet(rps=rps, target=target)))
    assert set(conditions) == {"AbleToScale", "ScalingActive", "ScalingLimited"}
    for statuses in conditions.values():
        assert set(statuses) == {"true", "false", "unknown"}
        assert sorted(statuses.values()) == [0, 0, 1]
    assert conditions["AbleToScale"]["true"] == 1
    assert conditions["ScalingActive"]["true"] == 1
    assert conditions["ScalingLimited"][limited] == 1


def test_scaling_is_inactive_without_a_ready_pod_and_then_reports_no_current_value() -> None:
    fleet = _fleet()
    fleet.set_replicas("ml", "llama", 0, START + 10)
    samples = _samples(fleet)
    conditions = _conditions(samples)
    assert conditions["ScalingActive"]["false"] == 1
    assert conditions["ScalingLimited"]["unknown"] == 1
    assert samples["kube_horizontalpodautoscaler_status_target_metric"] == []
    assert [s.value for s in samples["kube_horizontalpodautoscaler_spec_target_metric"]] == [4]


def test_target_metric_spec_is_the_scenario_target_and_status_the_mean_over_ready_pods() -> None:
    samples = _samples(_fleet(rps=10, target=4))
    (spec,) = samples["kube_horizontalpodautoscaler_spec_target_metric"]
    (status,) = samples["kube_horizontalpodautoscaler_status_target_metric"]
    expected_labels = {
        "namespace": "ml",
        "horizontalpodautoscaler": "llama",
        "metric_name": "istio_requests_per_second",
        "metric_target_type": "average",
    }
    assert spec.labels == status.labels == expected_labels
    assert spec.value == 4
    assert status.value == pytest.approx(5.0)  # 10 rps over 2 ready pods


def test_target_metric_follows_the_metric_the_hpa_scales_on() -> None:
    samples = _samples(_fleet(rps=5, target=60, metric="gpu_utilization_percent"))
    (status,) = samples["kube_horizontalpodautoscaler_status_target_metric"]
    assert status.labels["metric_name"] == "gpu_utilization_percent"
    assert status.value == pytest.approx(25.0)  # 2.5 rps per pod of a 10 rps capacity


def test_no_target_metric_spec_without_a_target_in_the_scenario() -> None:
    samples = _samples(_fleet(target=None))
    assert samples["kube_horizontalpodautoscaler_spec_target_metric"] == []
    assert len(samples["kube_horizontalpodautoscaler_status_target_metric"]) == 1


def test_one_gpu_requested_per_pod_on_its_node() -> None:
    fleet = _fleet()
    samples = _samples(fleet)
    requests = samples["kube_pod_container_resource_requests"]
    pods = {pod.name: pod for state in fleet.deployments() for pod in state.pods}
    assert {s.labels["pod"] for s in requests} == set(pods)
    for s in requests:
        pod = pods[s.labels["pod"]]
        assert s.value == 1
        assert s.labels["resource"] == "nvidia_com_gpu"
        assert s.labels["unit"] == "integer"
        assert s.labels["node"] == pod.slot.node
        assert s.labels["namespace"] == "ml"
        assert s.labels["container"] == ("vllm" if pod.deployment == "llama" else "triton")


def test_power_and_temperature_on_whole_gpus_only_rising_with_utilisation() -> None:
    samples = _samples(_fleet(rps=8))
    util = {s.labels["exported_pod"]: s.value for s in samples["DCGM_FI_DEV_GPU_UTIL"]}
    power = {s.labels["exported_pod"]: s.value for s in samples["DCGM_FI_DEV_POWER_USAGE"]}
    temp = {s.labels["exported_pod"]: s.value for s in samples["DCGM_FI_DEV_GPU_TEMP"]}
    assert set(power) == set(temp) == set(util)  # MIG instances (resnet) report none of the three
    assert all(pod.startswith("llama-") for pod in power)
    for pod, percent in util.items():
        assert percent == pytest.approx(40.0)
        assert power[pod] == pytest.approx(power_watts("NVIDIA A100-SXM4-80GB", percent))
        assert temp[pod] == pytest.approx(temperature_celsius(percent))


@pytest.mark.parametrize(
    ("name", "limit"),
    [
        pytest.param("NVIDIA A100-SXM4-80GB", 400, id="a100"),
        pytest.param("NVIDIA H100 80GB HBM3", 700, id="h100"),
        pytest.param("NVIDIA A10", 150, id="a10-not-a100"),
        pytest.param("NVIDIA L4", 72, id="l4"),
        pytest.param("NVIDIA L40S", 350, id="l40s-not-l4"),
        pytest.param("Some Future GPU", 300, id="unlisted"),
    ],
)
def test_power_limit_by_board_name(name: str, limit: float) -> None:
    assert power_limit_watts(name) == limit


def test_power_and_temperature_rise_from_idle_to_the_limit() -> None:
    name = "NVIDIA A100-SXM4-80GB"
    assert power_watts(name, 0) == pytest.approx(60)
    assert power_watts(name, 100) == pytest.approx(400)
    assert power_watts(name, 150) == pytest.approx(400)
    assert power_watts(name, 20) < power_watts(name, 60)
    assert temperature_celsius(0) < temperature_celsius(50) < temperature_celsius(100) <= 90


def test_ownership_labels_are_the_ones_the_boards_join_on() -> None:
    fleet = _fleet()
    samples = _samples(fleet)
    replicasets = {s.labels["replicaset"]: s.labels for s in samples["kube_replicaset_owner"]}
    for s in samples["kube_pod_owner"]:
        assert s.labels["owner_kind"] == "ReplicaSet"
        owner = replicasets[s.labels["owner_name"]]
        assert owner["owner_kind"] == "Deployment"
        assert s.labels["pod"].startswith(owner["owner_name"] + "-")
        assert owner["namespace"] == s.labels["namespace"]


@pytest.mark.parametrize(
    "hpa",
    [
        pytest.param({"minReplicas": 1, "maxReplicas": 2, "metric": "cpu"}, id="metric-not-served"),
        pytest.param({"minReplicas": 1, "maxReplicas": 2, "targetAverageValue": 0}, id="zero-target"),
    ],
)
def test_scenario_refuses_an_hpa_metric_the_sandbox_cannot_report(hpa: dict[str, object]) -> None:
    with pytest.raises(ScenarioError, match="hpa"):
        scenario(model("llama", hpa=hpa))

"""``/metrics`` text parsed back: names, label sets and values as a real cluster's scrape shows."""

from __future__ import annotations

from collections import defaultdict

import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample
from sandbox_documents import model, scenario

from autoscaler.sandbox import Faults, Fleet
from autoscaler.sandbox.exposition import MetricsRenderer

START = 1_700_000_000.0
A100 = {"model": "NVIDIA A100-SXM4-80GB", "memoryMiB": 81920, "mig": None}
MIG = {"model": "NVIDIA A100-SXM4-80GB", "memoryMiB": 40192, "mig": "3g.40gb"}
ISTIO_LABELS = {
    "reporter",
    "source_workload",
    "source_workload_namespace",
    "destination_workload",
    "destination_workload_namespace",
    "destination_service",
    "destination_service_name",
    "destination_service_namespace",
    "destination_app",
    "destination_version",
    "destination_canonical_service",
    "destination_canonical_revision",
    "request_protocol",
    "response_code",
    "response_flags",
    "connection_security_policy",
    "pod",
    "namespace",
}
DCGM_DEVICE_LABELS = {
    "gpu",
    "UUID",
    "pci_bus_id",
    "device",
    "modelName",
    "Hostname",
    "DCGM_FI_DRIVER_VERSION",
}


def _fleet(dcgm: str = "exported", timestamps: str = "stall", **llama: object) -> Fleet:
    models = [
        model(
            "llama",
            server="vllm",
            servedModel="meta/llama",
            gpu=A100,
            hpa={"minReplicas": 2, "maxReplicas": 6},
            **llama,
        ),
        model("resnet", server="triton", gpu=MIG, replicas=3, load={"type": "constant", "rps": 30}),
    ]
    broker = {
        "vhost": "/",
        "queue": "jobs",
        "publishRps": 3,
        "consumer": {"namespace": "ml", "model": "resnet", "perPodRps": 2},
    }
    doc = scenario(*models, brokers=[broker], dcgmPodLabels=dcgm, exporterTimestamps=timestamps)
    fleet = Fleet(doc, start=START)
    fleet.advance(START + 10)
    return fleet


def _samples(fleet: Fleet) -> dict[str, list[Sample]]:
    by_name: dict[str, list[Sample]] = defaultdict(list)
    for family in text_string_to_metric_families(MetricsRenderer(fleet).render().decode()):
        for sample in family.samples:
            by_name[sample.name].append(sample)
    return by_name


def _pods(fleet: Fleet, deployment: str) -> list[str]:
    return [pod.name for pod in fleet.deployment("ml", deployment).pods]


def test_istio_series_carry_the_standard_labels_and_the_scrape_pod() -> None:
    fleet = _fleet()
    samples = _samples(fleet)
    requests = samples["istio_requests_total"]
    assert {s.labels["pod"] for s in requests} == {*_pods(fleet, "llama"), *_pods(fleet, "resnet")}
    for sample in requests:
        assert set(sample.labels) == ISTIO_LABELS
        workload = sample.labels["destination_workload"]
        assert sample.labels["destination_service"] == f"{workload}.ml.svc.cluster.local"
        assert sample.labels["reporter"] == "destination"
        assert sample.labels["namespace"] == sample.labels["destination_workload_namespace"] == "ml"
    for suffix in ("_bucket", "_sum", "_count"):
        for sample in samples[f"istio_request_duration_milliseconds{suffix}"]:
            assert set(sample.labels) - {"le"} == ISTIO_LABELS


def test_request_counts_match_the_model() -> None:
    fleet = _fleet()
    requests = {s.labels["pod"]: s.value for s in _samples(fleet)["istio_requests_total"]}
    for pod, count in zip(
        fleet.deployment("ml", "llama").pods, fleet.deployment("ml", "llama").counts, strict=True
    ):
        assert requests[pod.name] == pytest.approx(count[0])
    assert requests[_pods(fleet, "llama")[0]] == pytest.approx(50)  # 10 rps over 2 pods for 10 s


def test_histogram_uses_envoy_buckets_cumulatively_and_count_is_inf() -> None:
    samples = _samples(_fleet())
    buckets: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for s in samples["istio_request_duration_milliseconds_bucket"]:
        buckets[(s.labels["pod"], s.labels["response_code"])].append((float(s.labels["le"]), s.value))
    counts = {
        (s.labels["pod"], s.labels["response_code"]): s.value
        for s in samples["istio_request_duration_milliseconds_count"]
    }
    assert buckets.keys() == counts.keys()
    for key, series in buckets.items():
        bounds = [le for le, _ in series]
        assert bounds[:3] == [0.5, 1.0, 5.0]
        assert bounds[-2] == 3_600_000
        assert bounds[-1] == float("inf")
        values = [value for _, value in series]
        assert values == sorted(values)
        assert values[-1] == counts[key]


def test_error_and_overflow_codes_are_split() -> None:
    fleet = _fleet(capacityRps=3, maxQueuePerPod=2)
    fleet.set_faults("ml", "llama", Faults(error_rate=0.25), START + 10)
    fleet.advance(START + 20)
    codes: dict[tuple[str, str], float] = defaultdict(float)
    for s in _samples(fleet)["istio_requests_total"]:
        if s.labels["destination_workload"] == "llama":
            codes[(s.labels["response_code"], s.labels["response_flags"])] += s.value
    assert set(codes) == {("200", "-"), ("500", "-"), ("503", "UO")}
    served_after_fault = 2 * 3 * 10  # two pods at capacity for 10 s
    assert codes[("500", "-")] == pytest.approx(0.25 * served_after_fault)


def test_dcgm_mig_instances_have_no_gpu_util_and_carry_their_profile() -> None:
    fleet = _fleet()
    samples = _samples(fleet)
    util_pods = {s.labels["exported_pod"] for s in samples["DCGM_FI_DEV_GPU_UTIL"]}
    assert util_pods == set(_pods(fleet, "llama"))
    for name in ("DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE", "DCGM_FI_PROF_GR_ENGINE_ACTIVE"):
        assert {s.labels["exported_pod"] for s in samples[name]} == {
            *_pods(fleet, "llama"),
            *_pods(fleet, "resnet"),
        }
        for sample in samples[name]:
            assert set(sample.labels) >= DCGM_DEVICE_LABELS
            mig = sample.labels["exported_pod"].startswith("resnet")
            assert ("GPU_I_PROFILE" in sample.labels) is mig
            assert sample.labels.get("GPU_I_PROFILE", "3g.40gb") == "3g.40gb"
    for sample in samples["DCGM_FI_PROF_GR_ENGINE_ACTIVE"]:
        assert 0.0 <= sample.value <= 1.0


@pytest.mark.parametrize(
    ("style", "workload_key", "expect_exporter_pod"),
    [
        pytest.param("exported", "exported_pod", True, id="exported"),
        pytest.param("pod", "pod", False, id="pod"),
    ],
)
def test_dcgm_workload_label_style(style: str, workload_key: str, expect_exporter_pod: bool) -> None:
    fleet = _fleet(dcgm=style)
    for sample in _samples(fleet)["DCGM_FI_DEV_FB_USED"]:
        assert sample.labels[workload_key] in {*_pods(fleet, "llama"), *_pods(fleet, "resnet")}
        assert ("exported_namespace" in sample.labels) is expect_exporter_pod
        assert sample.labels["pod"].startswith("dcgm-exporter-") is expect_exporter_pod
        assert (sample.labels["namespace"] == "gpu-operator") is expect_exporter_pod


def test_gpu_figures_follow_load() -> None:
    fleet = _fleet()
    samples = _samples(fleet)
    util = {s.labels["exported_pod"]: s.value for s in samples["DCGM_FI_DEV_GPU_UTIL"]}
    assert util[_pods(fleet, "llama")[0]] == pytest.approx(50)  # 5 rps per pod of capacity 10
    for used, free in zip(samples["DCGM_FI_DEV_FB_USED"], samples["DCGM_FI_DEV_FB_FREE"], strict=True):
        total = 81920 if used.labels["exported_pod"].startswith("llama") else 40192
        assert used.value + free.value == pytest.approx(total)


def test_inference_server_queue_series() -> None:
    fleet = _fleet(capacityRps=3, maxQueuePerPod=1000)
    samples = _samples(fleet)
    waiting = samples["vllm:num_requests_waiting"]
    assert {s.labels["pod"] for s in waiting} == set(_pods(fleet, "llama"))
    for sample in waiting:
        assert sample.labels == {
            "model_name": "meta/llama",
            "engine": "0",
            "pod": sample.labels["pod"],
            "namespace": "ml",
        }
        assert sample.value == pytest.approx(20)  # (5 - 3) rps for 10 s
    assert len(samples["vllm:num_requests_running"]) == 2
    pending = samples["nv_inference_pending_request_count"]
    assert {s.labels["pod"] for s in pending} == set(_pods(fleet, "resnet"))
    assert all(set(s.labels) == {"model", "version", "pod", "namespace"} for s in pending)
    success = {s.labels["pod"]: s.value for s in samples["nv_inference_request_success"]}
    assert success[_pods(fleet, "resnet")[0]] == pytest.approx(100)  # 10 rps for 10 s


def test_rabbitmq_queue_series() -> None:
    samples = _samples(_fleet())
    (ready,) = samples["rabbitmq_queue_messages_ready"]
    assert ready.labels == {"vhost": "/", "queue": "jobs"}
    assert ready.value == 0  # three consumers drain 6/s of 3 published
    assert samples["rabbitmq_queue_consumers"][0].value == 3


def test_kube_state_metrics_pod_series() -> None:
    fleet = _fleet()
    fleet.set_replicas("ml", "llama", 3, START + 10)
    samples = _samples(fleet)
    newest = _pods(fleet, "llama")[-1]
    ready: dict[str, dict[str, float]] = defaultdict(dict)
    for s in samples["kube_pod_status_ready"]:
        ready[s.labels["pod"]][s.labels["condition"]] = s.value
    assert ready[newest] == {"true": 0, "false": 1, "unknown": 0}
    assert ready[_pods(fleet, "llama")[0]] == {"true": 1, "false": 0, "unknown": 0}
    info = {s.labels["pod"]: s.labels for s in samples["kube_pod_info"]}
    replicaset = newest.rsplit("-", 1)[0]
    assert info[newest]["created_by_kind"] == "ReplicaSet"
    assert info[newest]["created_by_name"] == replicaset
    assert info[newest]["node"].startswith("gpu-node-")
    labels = {s.labels["pod"]: s.labels for s in samples["kube_pod_labels"]}
    assert labels[newest]["label_app"] == "llama"
    assert labels[newest]["label_pod_template_hash"] == replicaset.split("-")[-1]
    owners = {s.labels["pod"]: s.labels["owner_name"] for s in samples["kube_pod_owner"]}
    assert owners[newest] == replicaset


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("kube_deployment_spec_replicas", 3, id="spec"),
        pytest.param("kube_deployment_status_replicas", 3, id="status"),
        pytest.param("kube_deployment_status_replicas_ready", 2, id="ready"),
        pytest.param("kube_deployment_status_replicas_available", 2, id="available"),
        pytest.param("kube_horizontalpodautoscaler_spec_min_replicas", 2, id="hpa-min"),
        pytest.param("kube_horizontalpodautoscaler_spec_max_replicas", 6, id="hpa-max"),
        pytest.param("kube_horizontalpodautoscaler_status_desired_replicas", 3, id="hpa-desired"),
        pytest.param("kube_horizontalpodautoscaler_status_current_replicas", 3, id="hpa-current"),
    ],
)
def test_kube_state_metrics_workload_series(name: str, expected: float) -> None:
    fleet = _fleet()
    fleet.set_replicas("ml", "llama", 3, START + 10)
    series = _samples(fleet)[name]
    key = "horizontalpodautoscaler" if "horizontalpodautoscaler" in name else "deployment"
    values = {s.labels[key]: s.value for s in series}
    assert values["llama"] == expected
    assert ("resnet" in values) is (key == "deployment")  # resnet has no HPA
    assert all(s.labels["namespace"] == "ml" for s in series)


def test_stalled_exporter_series_carry_the_freeze_timestamp() -> None:
    fleet = _fleet(capacityRps=3, maxQueuePerPod=1000)
    fleet.set_faults("ml", "llama", Faults(stall_exporter=True), START + 10)
    fleet.advance(START + 30)
    samples = _samples(fleet)
    llama = set(_pods(fleet, "llama"))
    for name in (
        "DCGM_FI_DEV_GPU_UTIL",
        "DCGM_FI_DEV_FB_USED",
        "vllm:num_requests_waiting",
        "vllm:num_requests_running",
    ):
        stalled = [s for s in samples[name] if llama & {s.labels.get("exported_pod"), s.labels["pod"]}]
        assert len(stalled) == 2
        assert all(s.timestamp == START + 10 for s in stalled)
    assert all(s.value == pytest.approx(20) for s in samples["vllm:num_requests_waiting"])
    resnet_gpu = [s for s in samples["DCGM_FI_DEV_FB_USED"] if s.labels["exported_pod"].startswith("resnet")]
    assert resnet_gpu
    assert all(s.timestamp is None for s in resnet_gpu)
    assert all(s.timestamp is None for s in samples["istio_requests_total"])


def test_no_label_value_is_empty() -> None:
    for series in _samples(_fleet()).values():
        for sample in series:
            assert all(value != "" for value in sample.labels.values()), sample


@pytest.mark.parametrize(
    ("mode", "expected"),
    [pytest.param("stall", None, id="stall-only"), pytest.param("always", START + 10, id="always")],
)
def test_live_exporter_timestamps_follow_the_scenario(mode: str, expected: float | None) -> None:
    samples = _samples(_fleet(timestamps=mode))
    for name in ("DCGM_FI_DEV_FB_USED", "nv_inference_pending_request_count", "vllm:num_requests_waiting"):
        assert {s.timestamp for s in samples[name]} == {expected}
    assert {s.timestamp for s in samples["istio_requests_total"]} == {None}
    assert {s.timestamp for s in samples["kube_pod_info"]} == {None}

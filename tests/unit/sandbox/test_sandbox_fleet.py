"""The fleet model: queues, readiness, scaling, counters, faults and brokers, on virtual time."""

from __future__ import annotations

import re

import numpy as np
import pytest
from sandbox_documents import model, scenario

from autoscaler.sandbox import Faults, Fleet, UnknownDeploymentError
from autoscaler.sandbox.gpus import GPUS_PER_NODE
from autoscaler.sandbox.naming import SAFE_ALPHABET

START = 1000.0


def _fleet(*models: dict[str, object], **top: object) -> Fleet:
    return Fleet(scenario(*models, **top), start=START)


def _queues(fleet: Fleet, name: str = "llama") -> list[float]:
    return fleet.deployment("ml", name).queue.tolist()


def test_queue_builds_over_capacity_and_drains_after() -> None:
    spike = {"type": "spike", "baseRps": 10, "spikeRps": 30, "atSeconds": 10, "durationSeconds": 20}
    fleet = _fleet(model(capacityRps=10, maxQueuePerPod=1000, load=spike))
    fleet.advance(START + 10)
    assert _queues(fleet) == [0.0, 0.0]
    fleet.advance(START + 30)  # 15 rps per pod against 10: +5 per second each
    assert _queues(fleet) == pytest.approx([100.0, 100.0])
    fleet.advance(START + 40)  # back to 5 rps per pod: drains 5 per second
    assert _queues(fleet) == pytest.approx([50.0, 50.0])
    fleet.advance(START + 60)
    assert _queues(fleet) == [0.0, 0.0]


def test_latency_rises_with_the_queue() -> None:
    fleet = _fleet(model(capacityRps=10, maxQueuePerPod=1000, load={"type": "constant", "rps": 30}))
    fleet.advance(START + 2)
    early = fleet.deployment("ml", "llama").figures()[0].p95_latency_ms
    fleet.advance(START + 20)
    late = fleet.deployment("ml", "llama").figures()[0].p95_latency_ms
    assert early is not None
    assert late is not None
    assert late > early + 1000  # 100 queued at 10 rps = 10 s of wait


def test_overflow_beyond_the_queue_bound_is_rejected_with_503() -> None:
    fleet = _fleet(model(capacityRps=10, maxQueuePerPod=5, load={"type": "constant", "rps": 40}))
    fleet.advance(START + 30)
    figures = fleet.deployment("ml", "llama").figures()[0]
    assert figures.queue_depth == pytest.approx(5)
    assert figures.success_rps == pytest.approx(10)
    assert figures.rejected_rps == pytest.approx(10)
    assert figures.gpu_util_percent == pytest.approx(100)


def test_new_pods_are_unready_for_the_startup_delay_and_get_no_traffic() -> None:
    fleet = _fleet(model(replicas=2), startupDelaySeconds=20)
    status = fleet.set_replicas("ml", "llama", 4, START + 5)
    assert (status.spec_replicas, status.replicas, status.ready_replicas) == (4, 4, 2)
    fleet.advance(START + 24.5)
    state = fleet.deployment("ml", "llama")
    assert state.ready.tolist() == [True, True, False, False]
    assert state.counts[2:].sum() == 0
    assert [f.arrival_rps for f in state.figures()] == pytest.approx([5, 5, 0, 0])
    fleet.advance(START + 25)
    assert state.ready.all()
    fleet.advance(START + 30)
    assert [f.arrival_rps for f in state.figures()] == pytest.approx([2.5] * 4)


def test_initial_pods_are_ready_at_start() -> None:
    fleet = _fleet(model(replicas=3), startupDelaySeconds=60)
    assert fleet.replica_status("ml", "llama").ready_replicas == 3


def test_without_ready_pods_the_load_is_unserved() -> None:
    fleet = _fleet(model(replicas=0, load={"type": "constant", "rps": 12}))
    fleet.advance(START + 5)
    assert fleet.deployment("ml", "llama").unserved_rps == 12


def test_scale_down_removes_the_newest_pods_and_frees_their_gpus() -> None:
    fleet = _fleet(model(replicas=2))
    fleet.set_replicas("ml", "llama", 5, START + 1)
    names = [pod.name for pod in fleet.deployment("ml", "llama").pods]
    slots = [pod.slot for pod in fleet.deployment("ml", "llama").pods]
    fleet.set_replicas("ml", "llama", 3, START + 2)
    assert [pod.name for pod in fleet.deployment("ml", "llama").pods] == names[:3]
    fleet.set_replicas("ml", "llama", 5, START + 3)
    assert sorted(pod.slot for pod in fleet.deployment("ml", "llama").pods) == sorted(slots)


def test_pod_names_have_a_stable_template_hash_and_a_seeded_suffix() -> None:
    fleet = _fleet(model(replicas=6))
    pattern = re.compile(rf"^llama-([{SAFE_ALPHABET}]{{6,10}})-[{SAFE_ALPHABET}]{{5}}$")
    hashes = {pattern.fullmatch(pod.name).group(1) for pod in fleet.deployment("ml", "llama").pods}  # type: ignore[union-attr]
    assert len(hashes) == 1
    assert len({pod.name for pod in fleet.deployment("ml", "llama").pods}) == 6


@pytest.mark.parametrize(
    ("seed", "same"), [pytest.param(1, True, id="same-seed"), pytest.param(2, False, id="other")]
)
def test_names_depend_only_on_the_seed(seed: int, same: bool) -> None:
    first = _fleet(model(replicas=4), seed=1)
    second = _fleet(model(replicas=4), seed=seed)
    names = [[pod.name for pod in fleet.deployment("ml", "llama").pods] for fleet in (first, second)]
    assert (names[0] == names[1]) is same


def test_advance_in_substeps_equals_explicit_steps() -> None:
    load = {"type": "diurnal", "meanRps": 20, "amplitudeRps": 15, "periodSeconds": 30}
    a = _fleet(model(load=load))
    b = _fleet(model(load=load))
    a.advance(START + 45)
    for _ in range(45):
        b.step(1.0)
    assert np.array_equal(a.deployment("ml", "llama").buckets, b.deployment("ml", "llama").buckets)
    assert a.now == b.now == START + 45


def test_counters_are_monotonic_and_buckets_cumulative() -> None:
    load = {"type": "diurnal", "meanRps": 20, "amplitudeRps": 18, "periodSeconds": 40}
    fleet = _fleet(model(capacityRps=8, maxQueuePerPod=20, load=load))
    fleet.set_faults("ml", "llama", Faults(error_rate=0.3, latency_ms=50), START)
    previous = fleet.deployment("ml", "llama").buckets.copy()
    previous_sums = fleet.deployment("ml", "llama").sums.copy()
    for t in np.arange(1.0, 120.0, 2.7):
        fleet.advance(START + float(t))
        state = fleet.deployment("ml", "llama")
        assert np.all(state.buckets >= previous)
        assert np.all(state.sums >= previous_sums)
        assert np.all(np.diff(state.buckets, axis=2) >= 0)
        assert np.array_equal(state.counts, state.buckets[:, :, -1])
        previous, previous_sums = state.buckets.copy(), state.sums.copy()
    assert previous[:, 1, -1].sum() > 0  # 500s were counted
    assert previous[:, 2, -1].sum() > 0  # overload 503s were counted


def test_error_rate_fault_splits_served_requests() -> None:
    fleet = _fleet(model(load={"type": "constant", "rps": 10}))
    fleet.set_faults("ml", "llama", Faults(error_rate=0.2), START)
    fleet.advance(START + 10)
    counts = fleet.deployment("ml", "llama").counts.sum(axis=0)
    assert counts[1] / (counts[0] + counts[1]) == pytest.approx(0.2)
    fleet.clear_faults("ml", "llama", START + 10)
    fleet.advance(START + 20)
    assert fleet.deployment("ml", "llama").counts.sum(axis=0)[1] == pytest.approx(counts[1])


def test_latency_fault_adds_to_the_mean() -> None:
    fleet = _fleet(model(load={"type": "constant", "rps": 10}))
    fleet.advance(START + 1)
    before = fleet.deployment("ml", "llama").figures()[0].mean_latency_ms
    fleet.set_faults("ml", "llama", Faults(latency_ms=800), START + 1)
    fleet.advance(START + 2)
    after = fleet.deployment("ml", "llama").figures()[0].mean_latency_ms
    assert before is not None
    assert after == pytest.approx(before + 800)


def test_stall_freezes_the_gauges_at_that_moment() -> None:
    fleet = _fleet(model(capacityRps=10, maxQueuePerPod=1000, load={"type": "constant", "rps": 30}))
    fleet.set_faults("ml", "llama", Faults(stall_exporter=True), START + 10)
    fleet.advance(START + 20)
    stalled = fleet.stalled_exporter("ml", "llama")
    assert stalled is not None
    assert stalled.at == START + 10
    assert [gauges.queue_depth for _, gauges in stalled.pods] == pytest.approx([50, 50])
    assert _queues(fleet) == pytest.approx([100, 100])
    fleet.set_faults("ml", "llama", Faults(stall_exporter=True, error_rate=0.1), START + 25)
    assert fleet.stalled_exporter("ml", "llama") == stalled  # still frozen at the first moment
    fleet.clear_faults("ml", "llama", START + 30)
    assert fleet.stalled_exporter("ml", "llama") is None


def test_broker_queue_grows_and_drains_with_consumer_pods() -> None:
    broker = {
        "vhost": "/",
        "queue": "jobs",
        "publishRps": 12,
        "consumer": {"namespace": "ml", "model": "llama", "perPodRps": 5},
    }
    fleet = _fleet(model(replicas=2), brokers=[broker], startupDelaySeconds=10)
    fleet.advance(START + 10)
    assert fleet.brokers()[0].messages_ready == pytest.approx(20)
    fleet.set_replicas("ml", "llama", 4, START + 10)
    fleet.advance(START + 20)  # new consumers not ready yet: +2/s
    assert fleet.brokers()[0].messages_ready == pytest.approx(40)
    fleet.advance(START + 25)  # four consumers: -8/s
    assert fleet.brokers()[0].messages_ready == pytest.approx(0)


@pytest.mark.parametrize(
    ("mig", "per_node"),
    [
        pytest.param(None, GPUS_PER_NODE, id="whole-gpu"),
        pytest.param("3g.40gb", 2 * GPUS_PER_NODE, id="mig-3g"),
    ],
)
def test_pods_fill_nodes_by_gpu_kind(mig: str | None, per_node: int) -> None:
    gpu = {"model": "NVIDIA A100-SXM4-80GB", "memoryMiB": 40960, "mig": mig}
    fleet = _fleet(model(replicas=per_node + 1, gpu=gpu))
    nodes = [pod.slot.node for pod in fleet.deployment("ml", "llama").pods]
    assert nodes.count("gpu-node-0") == per_node
    assert nodes[-1] == "gpu-node-1"
    assert (
        len(
            {
                (pod.slot.node, pod.slot.gpu_index, pod.slot.instance_index)
                for pod in fleet.deployment("ml", "llama").pods
            }
        )
        == per_node + 1
    )


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda f: f.set_replicas("ml", "nope", 1, START), id="set_replicas"),
        pytest.param(lambda f: f.replica_status("other", "llama"), id="replica_status"),
        pytest.param(lambda f: f.set_faults("ml", "nope", Faults(), START), id="set_faults"),
    ],
)
def test_unknown_deployment(call: object) -> None:
    with pytest.raises(UnknownDeploymentError):
        call(_fleet(model()))  # type: ignore[operator]


def test_time_never_goes_back() -> None:
    fleet = _fleet(model())
    fleet.advance(START + 10)
    fleet.advance(START + 5)
    assert fleet.now == START + 10
    with pytest.raises(ValueError, match="dt"):
        fleet.step(0)

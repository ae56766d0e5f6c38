"""The pod cache built from kube-state-metrics series: labels, readiness, owning Deployment."""

from __future__ import annotations

import asyncio

import pytest

from metrics_adapter.kube import parse_selector
from metrics_adapter.pods import PodIndex, PodInfo
from metrics_adapter.pods.prometheus_source import (
    PodSourceEmptyError,
    PrometheusPodSource,
    build_index,
    index_steps,
)
from metrics_adapter.promql import (
    FakePrometheus,
    InstantVector,
    Labels,
    PrometheusUnavailableError,
    Sample,
    Selector,
    eq,
)


def vector(*rows: dict[str, str], value: float = 1.0) -> InstantVector:
    return InstantVector(tuple(Sample(Labels(r), 1000.0, value) for r in rows))


INFO = vector(
    {
        "namespace": "ml",
        "pod": "llama-6f7c9d5b8-x2k4q",
        "created_by_kind": "ReplicaSet",
        "created_by_name": "llama-6f7c9d5b8",
    },
    {
        "namespace": "ml",
        "pod": "llama-6f7c9d5b8-q8w2m",
        "created_by_kind": "ReplicaSet",
        "created_by_name": "llama-6f7c9d5b8",
    },
    {
        "namespace": "ml",
        "pod": "resnet-55d4c7-abcde",
        "created_by_kind": "ReplicaSet",
        "created_by_name": "resnet-55d4c7",
    },
    {
        "namespace": "other",
        "pod": "llama-1-zzzzz",
        "created_by_kind": "StatefulSet",
        "created_by_name": "llama",
    },
)
LABELS = vector(
    {
        "namespace": "ml",
        "pod": "llama-6f7c9d5b8-x2k4q",
        "label_app": "llama",
        "label_app_kubernetes_io_name": "llama",
        "label_pod_template_hash": "6f7c9d5b8",
    },
    {
        "namespace": "ml",
        "pod": "llama-6f7c9d5b8-q8w2m",
        "label_app": "llama",
        "label_app_kubernetes_io_name": "llama",
        "label_pod_template_hash": "6f7c9d5b8",
    },
    {
        "namespace": "ml",
        "pod": "resnet-55d4c7-abcde",
        "label_app": "resnet",
        "label_pod_template_hash": "55d4c7",
    },
    {"namespace": "other", "pod": "llama-1-zzzzz", "label_app": "llama"},
)
READY = InstantVector(
    (
        Sample(Labels(namespace="ml", pod="llama-6f7c9d5b8-x2k4q", condition="true"), 1000.0, 1.0),
        Sample(Labels(namespace="ml", pod="llama-6f7c9d5b8-q8w2m", condition="true"), 1000.0, 0.0),
        Sample(Labels(namespace="ml", pod="resnet-55d4c7-abcde", condition="true"), 1000.0, 1.0),
    )
)


def index() -> PodIndex:
    return build_index(info=INFO, labels=LABELS, ready=READY, owners=InstantVector())


@pytest.mark.parametrize(
    ("namespace", "selector", "expected"),
    [
        pytest.param("ml", "app=llama", ["llama-6f7c9d5b8-q8w2m", "llama-6f7c9d5b8-x2k4q"], id="equality"),
        pytest.param(
            "ml",
            "app.kubernetes.io/name=llama",
            ["llama-6f7c9d5b8-q8w2m", "llama-6f7c9d5b8-x2k4q"],
            id="sanitised-key",
        ),
        pytest.param("ml", "app in (resnet,bert)", ["resnet-55d4c7-abcde"], id="set"),
        pytest.param("ml", "!app.kubernetes.io/name", ["resnet-55d4c7-abcde"], id="not-exists"),
        pytest.param(
            "ml", "", ["llama-6f7c9d5b8-q8w2m", "llama-6f7c9d5b8-x2k4q", "resnet-55d4c7-abcde"], id="empty"
        ),
        pytest.param("other", "app=llama", ["llama-1-zzzzz"], id="namespace-scoped"),
        pytest.param("nowhere", "app=llama", [], id="unknown-namespace"),
    ],
)
def test_select_matches_kubernetes_selectors(namespace: str, selector: str, expected: list[str]) -> None:
    assert [p.name for p in index().select(namespace, parse_selector(selector))] == expected


def test_readiness_and_owning_deployment() -> None:
    pods = {p.name: p for p in index().pods("ml")}
    assert pods["llama-6f7c9d5b8-x2k4q"].ready is True
    assert pods["llama-6f7c9d5b8-q8w2m"].ready is False
    assert (pods["resnet-55d4c7-abcde"].workload_kind, pods["resnet-55d4c7-abcde"].workload) == (
        "Deployment",
        "resnet",
    )
    assert [p.name for p in index().owned_by("ml", kind="Deployment", name="llama")] == [
        "llama-6f7c9d5b8-q8w2m",
        "llama-6f7c9d5b8-x2k4q",
    ]
    other = index().pods("other")[0]
    assert (other.workload_kind, other.workload) == ("StatefulSet", "llama")


def test_kube_pod_owner_wins_over_created_by() -> None:
    owners = vector(
        {
            "namespace": "ml",
            "pod": "resnet-55d4c7-abcde",
            "owner_kind": "Job",
            "owner_name": "batch-1",
            "owner_is_controller": "true",
        }
    )
    idx = build_index(info=INFO, labels=LABELS, ready=READY, owners=owners)
    pod = next(p for p in idx.pods("ml") if p.name.startswith("resnet"))
    assert (pod.workload_kind, pod.workload) == ("Job", "batch-1")


async def test_source_is_unsynced_until_first_refresh_and_keeps_snapshot_on_failure() -> None:
    fake = FakePrometheus()
    fake.on_query(Selector("kube_pod_info"), INFO)
    fake.on_query(Selector("kube_pod_labels"), LABELS)
    fake.on_query(Selector("kube_pod_status_ready", (eq("condition", "true"),)), READY)
    fake.on_query(Selector("kube_pod_owner"), InstantVector())
    source = PrometheusPodSource(fake, interval=60)
    assert source.synced is False
    assert source.select("ml", parse_selector("app=llama")) == []
    await source.refresh()
    assert source.synced is True
    assert len(source.select("ml", parse_selector("app=llama"))) == 2
    fake.fail_with(PrometheusUnavailableError("down"))
    with pytest.raises(PrometheusUnavailableError):
        await source.refresh()
    assert len(source.select("ml", parse_selector("app=llama"))) == 2


async def test_an_empty_kube_pod_info_is_a_failed_refresh_not_an_empty_cluster() -> None:
    """Prometheus restarted with an empty TSDB knows no pods; that must not empty the cache."""
    fake = FakePrometheus()
    fake.on_query(Selector("kube_pod_info"), InstantVector())
    fake.on_query(Selector("kube_pod_labels"), LABELS)
    fake.on_query(Selector("kube_pod_status_ready", (eq("condition", "true"),)), READY)
    fake.on_query(Selector("kube_pod_owner"), InstantVector())
    source = PrometheusPodSource(fake, interval=60)
    with pytest.raises(PodSourceEmptyError):
        await source.refresh()
    assert source.synced is False
    fake.on_query(Selector("kube_pod_info"), INFO)
    await source.refresh()
    fake.on_query(Selector("kube_pod_info"), InstantVector())
    with pytest.raises(PodSourceEmptyError):
        await source.refresh()
    assert source.synced is True
    assert len(source.select("ml", parse_selector("app=llama"))) == 2


def _fleet(namespaces: int, pods: int) -> dict[str, InstantVector]:
    """kube-state-metrics vectors for ``namespaces`` x ``pods`` Deployment pods, every odd one ready."""
    info, labels, ready = [], [], []
    for n in range(namespaces):
        for p in range(pods):
            at = {"namespace": f"ns-{n}", "pod": f"model-abc12-{p:05d}"}
            info.append(
                Sample(Labels(at, created_by_kind="ReplicaSet", created_by_name="model-abc12"), 1.0, 1.0)
            )
            labels.append(Sample(Labels(at, label_app="model", label_pod_template_hash="abc12"), 1.0, 1.0))
            ready.append(Sample(Labels(at, condition="true"), 1.0, float(p % 2)))
    return {
        "info": InstantVector(tuple(info)),
        "labels": InstantVector(tuple(labels)),
        "ready": InstantVector(tuple(ready)),
        "owners": InstantVector(),
    }


def test_the_join_pauses_between_slices_and_builds_the_same_snapshot() -> None:
    vectors = _fleet(namespaces=4, pods=1000)
    steps = index_steps(**vectors)
    pauses = 0
    while True:
        try:
            next(steps)
        except StopIteration as done:
            stepped: PodIndex = done.value
            break
        pauses += 1
    # 4,000 samples in each of three vectors, 500 per slice, plus the empty owners vector.
    assert pauses == 3 * 8
    whole = build_index(**vectors)
    for ns in ("ns-0", "ns-3"):
        assert stepped.pods(ns) == whole.pods(ns)
        assert len(stepped.pods(ns)) == 1000
        assert sum(p.ready for p in stepped.pods(ns)) == 500
        assert {(p.workload_kind, p.workload) for p in stepped.pods(ns)} == {("Deployment", "model")}


async def test_a_refresh_lets_other_tasks_run_while_it_joins() -> None:
    """A 10,000-pod refresh is background work: requests are served between its slices."""
    vectors = _fleet(namespaces=10, pods=1000)
    fake = FakePrometheus()
    fake.on_query(Selector("kube_pod_info"), vectors["info"])
    fake.on_query(Selector("kube_pod_labels"), vectors["labels"])
    fake.on_query(Selector("kube_pod_status_ready", (eq("condition", "true"),)), vectors["ready"])
    fake.on_query(Selector("kube_pod_owner"), vectors["owners"])
    source = PrometheusPodSource(fake, interval=60)
    ticks = 0
    refreshing = True

    async def ticker() -> None:
        nonlocal ticks
        while refreshing:
            ticks += 1
            await asyncio.sleep(0)

    other = asyncio.create_task(ticker())
    await source.refresh()
    refreshing = False
    await other
    assert len(source.index) == 10_000
    # The join alone returns to the loop 60 times (three vectors of 20 slices).
    assert ticks >= 60


def test_a_snapshot_with_one_namespace_replaced_shares_the_others() -> None:
    before = build_index(info=INFO, labels=LABELS, ready=READY, owners=InstantVector())
    assert before.select("ml", parse_selector("app=llama"))  # memoised in the old snapshot
    newcomer = PodInfo(namespace="ml", name="aaa-1", labels={"app": "llama"})
    after = before.with_namespace("ml", [*before.pods("ml"), newcomer])
    assert after.pods("ml")[0].name == "aaa-1"  # sorted by name
    assert len(after.select("ml", parse_selector("app=llama"))) == 3
    assert len(before.select("ml", parse_selector("app=llama"))) == 2  # the old snapshot is unchanged
    assert after.pods("other") is before.pods("other")  # shared, not rebuilt
    emptied = after.with_namespace("other", [])
    assert emptied.pods("other") == ()
    assert len(emptied) == len(after) - 1
    assert emptied.synced is True

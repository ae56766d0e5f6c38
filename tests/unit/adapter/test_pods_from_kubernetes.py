"""The pod cache kept by list+watch through the official client, against a fake API server."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from kubernetes import client as k8s_client

from metrics_adapter.kube import parse_selector
from metrics_adapter.pods.kubernetes_source import KubernetesPodWatcher, pod_info_from_wire


def pod(
    name: str, *, ready: str = "True", labels: dict[str, str] | None = None, rs: str = "llama-6f7c9d5b8"
) -> dict[str, Any]:
    return {
        "metadata": {
            "name": name,
            "namespace": "ml",
            "labels": labels or {"app": "llama", "pod-template-hash": "6f7c9d5b8"},
            "ownerReferences": [
                {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs, "uid": "u", "controller": True}
            ],
        },
        "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": ready}]},
    }


class FakePodsAPI:
    """Serves one LIST and then, per WATCH, the queued events."""

    def __init__(self) -> None:
        self.items = [pod("llama-6f7c9d5b8-aaaaa"), pod("llama-6f7c9d5b8-bbbbb", ready="False")]
        self.events: list[dict[str, Any]] = []
        self.watch_started = threading.Event()
        self.release = threading.Event()
        self.lists = 0


@pytest.fixture
def api() -> Iterator[tuple[FakePodsAPI, str]]:
    state = FakePodsAPI()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            url = urlparse(self.path)
            query = parse_qs(url.query)
            assert url.path == "/api/v1/pods"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            if query.get("watch", ["false"])[0].lower() == "true":
                state.watch_started.set()
                state.release.wait(5)
                for event in state.events:
                    self.wfile.write(json.dumps(event).encode() + b"\n")
                    self.wfile.flush()
                    if event["type"] == "BOOKMARK":
                        continue
                    name = event["object"]["metadata"]["name"]
                    state.items = [i for i in state.items if i["metadata"]["name"] != name]
                    if event["type"] != "DELETED":
                        state.items.append(event["object"])
                state.events = []
                return
            state.lists += 1
            body = {
                "kind": "PodList",
                "apiVersion": "v1",
                "metadata": {"resourceVersion": "10"},
                "items": state.items,
            }
            self.wfile.write(json.dumps(body).encode())

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}"
    state.release.set()
    server.shutdown()


def wait_until(predicate: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("condition not reached")


def test_list_then_watch_keeps_the_cache_current(api: tuple[FakePodsAPI, str]) -> None:
    state, url = api
    configuration = k8s_client.Configuration(host=url)
    watcher = KubernetesPodWatcher(
        k8s_client.ApiClient(configuration), retry_seconds=0.1, watch_timeout_seconds=5
    )
    assert watcher.synced is False
    watcher.start()
    try:
        wait_until(lambda: watcher.synced)
        pods = {p.name: p for p in watcher.select("ml", parse_selector("app=llama"))}
        assert set(pods) == {"llama-6f7c9d5b8-aaaaa", "llama-6f7c9d5b8-bbbbb"}
        assert pods["llama-6f7c9d5b8-bbbbb"].ready is False
        assert (pods["llama-6f7c9d5b8-aaaaa"].workload_kind, pods["llama-6f7c9d5b8-aaaaa"].workload) == (
            "Deployment",
            "llama",
        )
        wait_until(state.watch_started.is_set)
        state.events = [
            {"type": "ADDED", "object": {"kind": "Pod", "apiVersion": "v1", **pod("llama-6f7c9d5b8-ccccc")}},
            {
                "type": "DELETED",
                "object": {"kind": "Pod", "apiVersion": "v1", **pod("llama-6f7c9d5b8-aaaaa")},
            },
            {
                "type": "MODIFIED",
                "object": {"kind": "Pod", "apiVersion": "v1", **pod("llama-6f7c9d5b8-bbbbb")},
            },
        ]
        state.release.set()
        wait_until(
            lambda: (
                {p.name for p in watcher.select("ml", parse_selector(""))}
                == {"llama-6f7c9d5b8-bbbbb", "llama-6f7c9d5b8-ccccc"}
            )
        )
        assert all(p.ready for p in watcher.select("ml", parse_selector("")))
        assert watcher.select("ml", parse_selector("app=other")) == []
    finally:
        watcher.stop()


def test_pods_from_the_wire_tolerate_missing_fields() -> None:
    bare = {"metadata": {"name": "solo", "namespace": "ml"}}
    info = pod_info_from_wire(bare)
    assert (info.name, info.namespace, dict(info.labels)) == ("solo", "ml", {})
    assert info.ready is False
    assert info.phase == "Unknown"
    assert (info.workload_kind, info.workload) == (None, None)
    job = pod("batch-1-xyz", labels={"job-name": "batch-1"})
    job["metadata"]["ownerReferences"] = [
        {"kind": "Node", "name": "n1", "controller": False},
        {"kind": "Job", "name": "batch-1", "controller": True},
    ]
    assert (pod_info_from_wire(job).workload_kind, pod_info_from_wire(job).workload) == ("Job", "batch-1")
    foreign = pod("x-1", labels={"pod-template-hash": "zzz"}, rs="other-abc")
    assert (pod_info_from_wire(foreign).workload_kind, pod_info_from_wire(foreign).workload) == (
        "ReplicaSet",
        "other-abc",
    )


def test_bookmarks_are_ignored_and_stop_ends_a_quiet_watch(api: tuple[FakePodsAPI, str]) -> None:
    state, url = api
    errors: list[Exception] = []
    watcher = KubernetesPodWatcher(
        k8s_client.ApiClient(k8s_client.Configuration(host=url)),
        retry_seconds=0.1,
        watch_timeout_seconds=30,
        on_error=errors.append,
    )
    watcher.start()
    try:
        wait_until(lambda: watcher.synced)
        wait_until(state.watch_started.is_set)
        state.events = [
            # A bookmark carries only a resourceVersion; it is neither a pod nor a deletion.
            {
                "type": "BOOKMARK",
                "object": {"kind": "Pod", "apiVersion": "v1", "metadata": {"resourceVersion": "12"}},
            },
            {"type": "ADDED", "object": {"kind": "Pod", "apiVersion": "v1", **pod("llama-6f7c9d5b8-ccccc")}},
        ]
        state.watch_started.clear()
        state.release.set()
        wait_until(lambda: len(watcher.select("ml", parse_selector(""))) == 3)
        # The next WATCH stays open with nothing to say (the fake holds it for 5 s).
        state.release.clear()
        wait_until(state.watch_started.is_set)
        assert errors == []
    finally:
        stopping = time.monotonic()
        watcher.stop()
    assert watcher._thread is not None
    assert not watcher._thread.is_alive()
    assert time.monotonic() - stopping < 3, "stop() waited for the watch to end by itself"

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
from metrics_adapter.pods.kubernetes_source import KubernetesPodWatcher


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

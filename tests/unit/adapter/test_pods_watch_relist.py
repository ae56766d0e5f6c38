"""The pod cache's watch dropped or expired: the watcher re-lists, and what changed meanwhile shows.

A fake API server over real HTTP, the official client inside :class:`KubernetesPodWatcher`. While
the watch is down a pod is deleted with no event to say so; only a fresh LIST can reveal it.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from kubernetes import client as k8s_client

from metrics_adapter.kube import parse_selector
from metrics_adapter.pods.kubernetes_source import KubernetesPodWatcher


def pod(name: str) -> dict[str, Any]:
    return {
        "kind": "Pod",
        "apiVersion": "v1",
        "metadata": {
            "name": name,
            "namespace": "ml",
            "labels": {"app": "llama", "pod-template-hash": "6f7c9d5b8"},
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "name": "llama-6f7c9d5b8",
                    "uid": "u",
                    "controller": True,
                }
            ],
        },
        "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]},
    }


class PodsAPI:
    """LIST answers the current pods; each WATCH ends the way ``ending`` says."""

    def __init__(self) -> None:
        self.items = [pod("llama-6f7c9d5b8-aaaaa"), pod("llama-6f7c9d5b8-bbbbb")]
        self.lists = 0
        self.ending = "hold"
        self.watching = threading.Event()
        self.cut = threading.Event()


@pytest.fixture
def api() -> Iterator[tuple[PodsAPI, str]]:
    state = PodsAPI()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            query = parse_qs(urlparse(self.path).query)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            if query.get("watch", ["false"])[0].lower() != "true":
                state.lists += 1
                body = {"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "10"}}
                self.wfile.write(json.dumps({**body, "items": state.items}).encode())
                return
            state.watching.set()
            state.cut.wait(5)
            if state.ending == "drop":
                # Half an event, then the connection goes away.
                self.wfile.write(b'{"type": "ADDED", "object": {"kind": "Po')
                self.wfile.flush()
                self.connection.close()
            elif state.ending == "gone":
                expired = {"kind": "Status", "status": "Failure", "reason": "Expired", "code": 410}
                self.wfile.write(json.dumps({"type": "ERROR", "object": expired}).encode() + b"\n")
                self.wfile.flush()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}"
    state.cut.set()
    server.shutdown()


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)


@pytest.mark.parametrize("ending", ["drop", "gone"])
def test_watch_dropped_or_expired_is_relisted(
    api: tuple[PodsAPI, str], ending: str, caplog: pytest.LogCaptureFixture
) -> None:
    state, url = api
    errors: list[Exception] = []
    watcher = KubernetesPodWatcher(
        k8s_client.ApiClient(k8s_client.Configuration(host=url)),
        retry_seconds=0.1,
        watch_timeout_seconds=30,
        on_error=errors.append,
    )
    caplog.set_level(logging.INFO, logger="metrics_adapter.pods.kubernetes_source")
    watcher.start()
    try:
        wait_until(state.watching.is_set)
        names = lambda: {p.name for p in watcher.select("ml", parse_selector("app=llama"))}  # noqa: E731
        assert names() == {"llama-6f7c9d5b8-aaaaa", "llama-6f7c9d5b8-bbbbb"}
        assert state.lists == 1
        # While the watch is down, one pod goes and another comes, with no event for either.
        state.items = [pod("llama-6f7c9d5b8-bbbbb"), pod("llama-6f7c9d5b8-ccccc")]
        state.ending = ending
        state.watching.clear()
        state.cut.set()
        wait_until(lambda: names() == {"llama-6f7c9d5b8-bbbbb", "llama-6f7c9d5b8-ccccc"})
        assert state.lists >= 2
        assert watcher.synced
        if ending == "gone":
            assert errors, "410 Gone twice is an error, reported"
            assert "pod watch failed, re-listing" in caplog.text
        else:
            assert "pod watch ended after resourceVersion 10, re-listing" in caplog.text
        assert caplog.text.count("pod cache listed 2 pods") >= 2
    finally:
        state.cut.set()
        watcher.stop()

"""The sandbox served by uvicorn in a background thread, on a free loopback port."""

from __future__ import annotations

import time

import httpx
from sandbox_documents import model, scenario

from autoscaler.sandbox.runner import SandboxServer


def test_server_serves_and_advances_in_real_time_then_stops() -> None:
    with SandboxServer(scenario(model()), port=0, tick_seconds=0.05) as server:
        assert server.port
        assert server.port > 0
        health = httpx.get(f"{server.url}/healthz", timeout=5)
        assert health.status_code == 200
        first = httpx.get(f"{server.url}/truth", timeout=5).json()["time"]
        time.sleep(0.2)
        second = httpx.get(f"{server.url}/truth", timeout=5).json()["time"]
        assert second > first
        scaled = httpx.put(f"{server.url}/replicas/ml/llama", json={"replicas": 3}, timeout=5)
        assert scaled.json()["replicas"] == 3
        url = server.url
    try:
        httpx.get(f"{url}/healthz", timeout=1)
    except httpx.TransportError:
        pass
    else:
        raise AssertionError("the sandbox still answers after stop()")

"""The local Prometheus and Alertmanager helpers run the real binaries and fail loudly."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from servescale.stack.alertmanager import AlertmanagerServer
from servescale.stack.ports import free_port
from servescale.stack.prometheus import PrometheusServer, ScrapeTarget, StackError

pytestmark = pytest.mark.integration


def test_prometheus_scrapes_its_target_and_stops_cleanly() -> None:
    port = free_port()
    server = PrometheusServer(targets=[ScrapeTarget("self", f"127.0.0.1:{port}")], port=port)
    with server:
        server.wait_for_targets_up(timeout=20)
        body = httpx.get(f"{server.url}/api/v1/query", params={"query": 'up{job="self"}'}).json()
        assert [r["value"][1] for r in body["data"]["result"]] == ["1"]
        workdir = server.workdir
        assert workdir is not None
        assert workdir.exists()
    assert not workdir.exists()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/-/ready", timeout=1)


def test_prometheus_bad_config_raises_with_its_log() -> None:
    server = PrometheusServer(targets=[ScrapeTarget("bad", "127.0.0.1:1")], scrape_interval="banana")
    with pytest.raises(StackError, match="exited"):
        server.start(timeout=20)


def test_alertmanager_starts_and_rejects_bad_config(tmp_path: Path) -> None:
    good = tmp_path / "am.yml"
    good.write_text("route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n")
    with AlertmanagerServer(good) as am:
        assert httpx.get(f"{am.url}/api/v2/status").status_code == 200
    bad = tmp_path / "bad.yml"
    bad.write_text("route:\n  receiver: missing\nreceivers: []\n")
    with pytest.raises(StackError, match="exited"):
        AlertmanagerServer(bad).start(timeout=20)

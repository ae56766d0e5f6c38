"""The service's metrics apps serve the boards at ``/dashboards/v1`` beside the metrics API."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from prometheus_client import CollectorRegistry

from dashboards import BoardInputs, build_boards
from metrics_adapter.catalogue import load_config
from metrics_adapter.pods import PodIndex
from metrics_adapter.promql import FakePrometheus, PrometheusConfig
from servescale.app import _boards, create_apps
from servescale.settings import ServeSettings, SettingsError
from slo.spec import load_slo_file

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CONFIG = EXAMPLES / "config" / "servescale.yaml"
SLOS = EXAMPLES / "slos" / "llama.yaml"


async def test_insecure_app_serves_the_boards_of_its_catalogue_and_slos() -> None:
    catalogue = load_config(CONFIG)
    boards = _boards(catalogue, SLOS)
    assert [b.to_json() for b in boards] == [
        b.to_json() for b in build_boards(BoardInputs(catalogue=catalogue, slos=load_slo_file(SLOS)))
    ]
    settings = ServeSettings(
        prometheus=PrometheusConfig(base_url="http://prometheus:9090"),
        secure_port=None,
        insecure_port=8443,
        health_port=None,
    )
    apps = create_apps(
        settings,
        catalogue=catalogue,
        client=FakePrometheus(),
        pods=PodIndex(),
        registry=CollectorRegistry(),
        boards=boards,
    )
    assert apps.insecure is not None
    transport = httpx.ASGITransport(app=apps.insecure)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        listed = (await client.get("/dashboards/v1")).json()["dashboards"]
        slos = await client.get("/dashboards/v1/servescale-slos")
        missing = await client.get("/dashboards/v1/servescale-nope")
        discovery = await client.get("/apis/custom.metrics.k8s.io/v1beta2")
    assert [d["uid"] for d in listed] == [b.uid for b in boards]
    assert slos.content == next(b for b in boards if b.uid == "servescale-slos").to_json().encode()
    assert missing.status_code == 404
    assert missing.json()["detail"] == "no dashboard with uid 'servescale-nope'"
    assert discovery.status_code == 200  # the metrics API is still answered beside the boards


def test_unreadable_slo_file_is_a_settings_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="--slos"):
        _boards(load_config(None), tmp_path / "missing.yaml")

"""Predictive scaling end to end: the sandbox's seasonal load in a real Prometheus, the forecast
refitted by ``servescale serve --forecast-config`` and served through the metrics API, read back by
the closed loop (the exact HPA over HTTP). Two Deployments get the same load; the predictive HPA
(request rate + forecast) scales out before the reactive one (request rate only) on a ramp.

Time is compressed: a "day" is 20 s, the model's grid step 2 s, pods start in 6 s, the loop syncs
every 2 s; two seasons of history take 40 s, then the next ramp decides.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import numpy as np
import pytest
import yaml

from autoscaler.closed_loop import HPAController, LoopDecision
from autoscaler.forecast import FORECAST_METRIC
from autoscaler.sandbox import parse_scenario
from autoscaler.simulation.hpa_file import parse_hpa_documents
from autoscaler.simulation.hpa_manifests import build_manifests, parse_autoscaling_config
from metrics_adapter.catalogue import default_catalogue
from servescale.demo.stack import DemoStack, running_stack
from servescale.stack.adapter import AdapterProcess, running_adapter

pytestmark = [pytest.mark.integration, pytest.mark.timeout(170), pytest.mark.long(seconds=85)]

SEASON = 20.0
RAMP_AT = 10.0  # seconds into each season: 4 -> 40 requests/s over 2 s, held 4 s, then back
LOOP_AT = 4.0
RAMP_REPLICAS = 4  # 40 requests/s at 8 per pod needs 5; the backlog a lone pod drains after a ramp, 2


def rate(t: np.ndarray) -> np.ndarray:
    phase = np.mod(t, SEASON)
    up = np.clip((phase - RAMP_AT) / 2.0, 0.0, 1.0)
    down = np.clip((phase - RAMP_AT - 6.0) / 2.0, 0.0, 1.0)
    return 4.0 + 36.0 * np.clip(up - down, 0.0, 1.0)


def scenario_text() -> str:
    model = """
      - name: {name}
        server: vllm
        replicas: 1
        capacityRps: 10
        baseLatencyMs: 100
        gpu: {{model: NVIDIA A100-SXM4-80GB, memoryMiB: 81920}}
        load: {{type: replay, csv: load.csv}}"""
    models = "".join(model.format(name=name) for name in ("reactive", "predictive"))
    return f"""
seed: 5
startupDelaySeconds: 6
dcgmPodLabels: pod
exporterTimestamps: always
namespaces:
  - name: ml
    models:{models}
"""


def autoscaling(name: str, *, predictive: bool) -> dict[str, object]:
    return {
        "namespace": "ml",
        "deployment": name,
        "metric": "istio_requests_per_second",
        "target": {"type": "AverageValue", "value": "8"},
        "minReplicas": 1,
        "maxReplicas": 8,
        "predictive": predictive,
        "podStartupSeconds": 6,
        "syncPeriodSeconds": 2,
    }


CONFIG = {
    "autoscaling": {
        "forecast": {
            "step": "2s",
            "seasons": ["20s"],
            "refitEvery": "2s",
            "rateWindow": "4s",
            "maxError": 0.35,
        },
        "workloads": [autoscaling("reactive", predictive=False), autoscaling("predictive", predictive=True)],
    }
}


# The reactive metric's rate window shrunk with the season, as a 1m window would average 3 "days".
CATALOGUE = {"defaults": {"rateWindow": "4s"}, "presets": {"istio": {"enabled": True, "rateWindow": "4s"}}}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DemoStack, AdapterProcess]]:
    workdir = tmp_path_factory.mktemp("predictive")
    times = np.arange(0.0, 400.0, 0.5)
    lines = ["t_seconds,rps", *(f"{t:.1f},{r:.3f}" for t, r in zip(times, rate(times), strict=True))]
    (workdir / "load.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    scenario = parse_scenario(scenario_text(), base_dir=workdir, source="<predictive scenario>")
    config = workdir / "autoscaling.yaml"
    config.write_text(yaml.safe_dump(CONFIG), encoding="utf-8")
    catalogue = workdir / "catalogue.yaml"
    catalogue.write_text(yaml.safe_dump(CATALOGUE), encoding="utf-8")
    with (
        running_stack(scenario) as running,
        running_adapter(
            running.prometheus.url,
            extra=["--cache-ttl=0", f"--forecast-config={config}", f"--config={catalogue}"],
        ) as api,
    ):
        yield running, api


def forecast_ready(api: AdapterProcess) -> bool:
    path = f"/apis/external.metrics.k8s.io/v1beta1/namespaces/ml/{FORECAST_METRIC}"
    response = httpx.get(f"{api.url}{path}", params={"labelSelector": "deployment=predictive"}, timeout=5)
    return response.status_code == 200


async def test_predictive_hpa_scales_out_before_the_reactive_one(
    stack: tuple[DemoStack, AdapterProcess],
) -> None:
    running, api = stack
    manifests = build_manifests(parse_autoscaling_config(CONFIG), default_catalogue())
    hpas = parse_hpa_documents(yaml.safe_dump_all(manifests))
    assert [len(h.metrics) for h in hpas] == [1, 2]
    deadline = time.monotonic() + 100
    while not forecast_ready(api):
        assert time.monotonic() < deadline, "no forecast after 100 s"
        await asyncio.sleep(1)
    decisions: list[LoopDecision] = []
    controller = HPAController(
        hpas, sandbox_url=running.sandbox.url, metrics_api_url=api.url, on_decision=decisions.append
    )
    elapsed = float(httpx.get(f"{running.sandbox.url}/truth", timeout=5).json()["elapsedSeconds"])
    # Start the loop in the quiet part of a season, once the 4 s rate windows have left the last
    # ramp, and follow it through the next ramp.
    start = (np.floor(elapsed / SEASON) + 1) * SEASON + LOOP_AT
    await asyncio.sleep(max(0.0, start - elapsed))
    first_out: dict[str, float] = {}
    loop_start = time.monotonic()
    while time.monotonic() - loop_start < SEASON - LOOP_AT and len(first_out) < 2:
        await controller.sync_once()
        for decision in decisions[-2:]:
            name = decision.hpa.split("/")[1]
            if (
                decision.scaled
                and (decision.desired_replicas or 0) >= RAMP_REPLICAS
                and name not in first_out
            ):
                first_out[name] = time.monotonic() - loop_start
        await asyncio.sleep(2)
    summary = [
        (d.hpa, d.at.strftime("%S.%f")[:4], d.current_replicas, d.desired_replicas, d.error)
        for d in decisions
    ]
    assert "predictive" in first_out, summary
    assert first_out["predictive"] < RAMP_AT - LOOP_AT + 1.0, "the forecast did not lead the ramp"
    assert "reactive" not in first_out or first_out["predictive"] < first_out["reactive"], first_out
    predictive = [d for d in decisions if d.hpa == "ml/predictive"]
    assert all(d.error is None for d in predictive[:3]), "the forecast was served at every early cycle"

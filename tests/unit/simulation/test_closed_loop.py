"""The closed loop: sandbox fleet in virtual time, HPAs from manifests, the exact algorithm each sync."""

from __future__ import annotations

from pathlib import Path

import pytest

from autoscaler.sandbox import default_scenario, load_scenario, parse_scenario
from autoscaler.simulation.closed_loop import SimulationSettings, simulate
from autoscaler.simulation.hpa_file import HpaFileError, load_hpa_file, parse_hpa_documents
from autoscaler.simulation.timeline import summarise, timeline_frame

EXAMPLES = Path(__file__).parents[3] / "examples"
LLAMA_HPA = EXAMPLES / "hpa" / "llama-hpa.yaml"


def test_spike_scenario_scales_out_then_in() -> None:
    rows = simulate(
        load_scenario(EXAMPLES / "scenarios" / "llama-spike.yaml"),
        load_hpa_file(LLAMA_HPA),
        settings=SimulationSettings(duration_seconds=1800),
    )
    frame = timeline_frame(rows)
    before = frame[frame["t_seconds"] < 300]
    spike = frame[(frame["t_seconds"] >= 600) & (frame["t_seconds"] < 1200)]
    after = frame[frame["t_seconds"] >= 1650]
    assert set(before["desired_replicas"]) == {2}
    # 40 rps at 8 rps per pod: 5 pods hold at 6.7-8 rps each (inside the tolerance band), 6 at 6.7.
    assert spike["desired_replicas"].min() >= 5
    assert set(after["desired_replicas"]) == {2}
    (summary,) = summarise(frame, latency_objective_ms=500)
    assert summary.scale_events >= 2
    assert summary.max_replicas_seen >= 5
    # While the HPA is scaled out the latency objective holds again.
    assert spike["p95_latency_ms"].max() < 500


def test_default_scenario_step_is_followed() -> None:
    rows = simulate(
        default_scenario(), load_hpa_file(LLAMA_HPA), settings=SimulationSettings(duration_seconds=300)
    )
    frame = timeline_frame(rows)
    assert frame.iloc[-1]["desired_replicas"] >= 4  # 30 rps at 8 rps per pod
    assert frame.iloc[-1]["metric_value"] == pytest.approx(30 / frame.iloc[-1]["ready_replicas"], rel=0.15)


def test_gpu_hours_count_every_pod_for_the_time_it_existed() -> None:
    scenario = parse_scenario(
        {
            "seed": 1,
            "startupDelaySeconds": 10,
            "dcgmPodLabels": "exported",
            "namespaces": [
                {
                    "name": "ml",
                    "models": [
                        {
                            "name": "llama",
                            "server": "vllm",
                            "replicas": 3,
                            "capacityRps": 12,
                            "baseLatencyMs": 150,
                            "gpu": {"model": "A100", "memoryMiB": 81920},
                            "load": {"type": "constant", "rps": 24},
                        }
                    ],
                }
            ],
        }
    )
    rows = simulate(scenario, load_hpa_file(LLAMA_HPA), settings=SimulationSettings(duration_seconds=3600))
    (summary,) = summarise(timeline_frame(rows), latency_objective_ms=500)
    # 24 rps on 3 pods = 8/pod: on target, no scaling; 3 GPUs for one hour.
    assert summary.scale_events == 0
    assert summary.gpu_hours == pytest.approx(3.0)
    assert summary.seconds_above_objective == 0


def test_external_queue_metric_scales_the_consumer() -> None:
    hpa = """
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: resnet, namespace: ml}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: resnet}
  minReplicas: 2
  maxReplicas: 6
  metrics:
    - type: External
      external:
        metric:
          name: rabbitmq_queue_messages_ready
          selector: {matchLabels: {queue: inference-jobs}}
        target: {type: AverageValue, averageValue: "10"}
"""
    rows = simulate(
        default_scenario(), parse_hpa_documents(hpa), settings=SimulationSettings(duration_seconds=600)
    )
    frame = timeline_frame(rows)
    # 12 messages/s published, 2 consumers drain 10/s: the backlog grows until the HPA adds consumers.
    assert frame["desired_replicas"].max() > 2
    assert frame["metric_value"].dropna().max() > 10


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("kind: Deployment\napiVersion: apps/v1\n", r"hpa\[0\]\.kind", id="wrong-kind"),
        pytest.param(
            "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: x}\n"
            "spec: {scaleTargetRef: {kind: Deployment, name: x}}\n",
            r"hpa\[0\]\.spec\.maxReplicas",
            id="missing-max",
        ),
        pytest.param("", "no HorizontalPodAutoscaler", id="empty"),
        pytest.param("a: [", "not valid YAML", id="syntax"),
    ],
)
def test_bad_hpa_files_name_the_field(text: str, message: str) -> None:
    with pytest.raises(HpaFileError, match=message):
        parse_hpa_documents(text)


def test_hpa_of_an_unknown_deployment_is_refused() -> None:
    hpas = parse_hpa_documents(
        LLAMA_HPA.read_text().replace("name: llama\n  namespace: ml", "name: llama\n  namespace: other")
    )
    with pytest.raises(KeyError, match="other"):
        simulate(default_scenario(), hpas, settings=SimulationSettings(duration_seconds=30))


def test_sync_period_must_be_whole_sample_intervals() -> None:
    with pytest.raises(ValueError, match="whole number"):
        SimulationSettings(duration_seconds=60, sync_period_seconds=15, sample_interval_seconds=4)

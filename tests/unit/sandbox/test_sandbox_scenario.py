"""Scenario files: good ones load, bad ones raise one ScenarioError naming the field at fault."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from sandbox_documents import document, model, scenario

from autoscaler.sandbox import ScenarioError, default_scenario, load_scenario, parse_scenario
from autoscaler.sandbox.profiles import ReplayLoad, StepLoad
from autoscaler.sandbox.spec import DcgmPodLabels, ServerKind

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "scenarios"


def test_default_scenario_has_two_gpu_models_a_step_and_a_broker() -> None:
    scenario = default_scenario()
    by_name = {spec.name: spec for spec in scenario.deployments}
    assert {spec.namespace for spec in scenario.deployments} == {"ml"}
    assert by_name["llama"].server is ServerKind.VLLM
    assert by_name["resnet"].server is ServerKind.TRITON
    assert by_name["resnet"].gpu.mig == "3g.40gb"
    for spec in by_name.values():
        assert isinstance(spec.load, StepLoad)
        assert spec.load.step_rps >= 2.5 * spec.load.base_rps
    assert len(scenario.brokers) == 1


def test_examples_default_is_the_built_in_scenario() -> None:
    assert load_scenario(EXAMPLES / "default.yaml") == default_scenario()


def test_large_example_has_about_a_thousand_pods_in_one_deployment() -> None:
    scenario = load_scenario(EXAMPLES / "large.yaml")
    assert [spec.replicas for spec in scenario.deployments] == [1000]


def test_camel_case_keys_map_to_spec_fields() -> None:
    built = scenario(
        model(
            servedModel="meta/x", maxQueuePerPod=7, errorRate=0.1, hpa={"minReplicas": 1, "maxReplicas": 4}
        ),
        dcgmPodLabels="pod",
    )
    spec = built.deployments[0]
    assert (spec.served_model, spec.max_queue_per_pod, spec.error_rate) == ("meta/x", 7, 0.1)
    assert spec.hpa is not None
    assert (spec.hpa.min_replicas, spec.hpa.max_replicas) == (1, 4)
    assert built.dcgm_pod_labels is DcgmPodLabels.POD
    assert built.startup_delay_seconds == 20


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Mutation setting ``a.b.0.c`` in a document; value ``...`` deletes the key."""

    def mutate(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = doc
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if value is ...:
            del node[last]
        else:
            node[last] = value

    return mutate


STEP = {"type": "step", "baseRps": 1, "stepRps": 3, "atSeconds": 60}


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        pytest.param(
            _set("namespaces.0.models.0.load", {**STEP, "stepRps": -1}),
            "namespaces[0].models[0].load.stepRps: must be >= 0",
            id="negative-step",
        ),
        pytest.param(
            _set("namespaces.0.models.0.load", {"type": "ramp"}),
            "namespaces[0].models[0].load.type: must be one of",
            id="unknown-load-type",
        ),
        pytest.param(
            _set("namespaces.0.models.0.load", {"rps": 3}),
            "namespaces[0].models[0].load.type: is required",
            id="load-without-type",
        ),
        pytest.param(
            _set("namespaces.0.models.0.bogus", 1), "namespaces[0].models[0].bogus: unknown field", id="extra"
        ),
        pytest.param(
            _set("namespaces.0.models.0.capacityRps", ...),
            "namespaces[0].models[0].capacityRps: is required",
            id="missing",
        ),
        pytest.param(
            _set("namespaces.0.models.0.capacityRps", 0),
            "namespaces[0].models[0].capacityRps: must be > 0",
            id="zero",
        ),
        pytest.param(
            _set("namespaces.0.models.0.server", "tgi"),
            "namespaces[0].models[0].server: must be one of",
            id="server",
        ),
        pytest.param(
            _set("namespaces.0.models.0.gpu.mig", "big"), "namespaces[0].models[0].gpu.mig:", id="mig"
        ),
        pytest.param(
            _set("namespaces.0.models.0.replicas", "two"), "replicas: must be an integer", id="not-int"
        ),
        pytest.param(
            _set("namespaces.0.models.0.name", "Llama_1"), "namespaces[0].models[0].name:", id="k8s-name"
        ),
        pytest.param(
            _set("namespaces.0.models.0.errorRate", 1.5), "errorRate: must be <= 1", id="error-rate"
        ),
        pytest.param(_set("dcgmPodLabels", "both"), "dcgmPodLabels: must be one of", id="dcgm-labels"),
        pytest.param(_set("namespaces", []), "namespaces: must not be empty", id="no-namespaces"),
        pytest.param(
            _set("namespaces.0.models.0.hpa", {"minReplicas": 5, "maxReplicas": 3}),
            "namespaces[0].models[0].hpa.maxReplicas: must be >= minReplicas (5)",
            id="hpa-bounds",
        ),
        pytest.param(
            _set("namespaces.0.models", [model("a"), model("a")]),
            "namespaces[0].models[1].name: duplicate model 'a'",
            id="duplicate-model",
        ),
        pytest.param(
            _set(
                "brokers",
                [
                    {
                        "vhost": "/",
                        "queue": "q",
                        "publishRps": 1,
                        "consumer": {"namespace": "ml", "model": "x", "perPodRps": 1},
                    }
                ],
            ),
            "brokers[0].consumer.model: no model 'x' in namespace 'ml'",
            id="broker-consumer",
        ),
    ],
)
def test_invalid_document_names_the_field(mutate: Callable[[dict[str, Any]], None], expected: str) -> None:
    doc = document()
    mutate(doc)
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(doc, source="s.yaml")
    assert expected in str(caught.value)
    assert "s.yaml" in str(caught.value)


def test_every_problem_is_listed_in_one_error() -> None:
    doc = document(model(capacityRps=-1, baseLatencyMs=0))
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(doc)
    assert len(caught.value.issues) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a: [1,", "not valid YAML", id="syntax"),
        pytest.param("- 1\n", "<document>: must be a mapping", id="not-a-mapping"),
    ],
)
def test_unparsable_text_is_a_scenario_error(text: str, expected: str) -> None:
    with pytest.raises(ScenarioError, match=expected):
        parse_scenario(text)


def test_missing_file_is_a_scenario_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read file"):
        load_scenario(tmp_path / "absent.yaml")


def _write_replay(tmp_path: Path, csv_text: str, **load: Any) -> Path:
    (tmp_path / "trace.csv").write_text(csv_text)
    doc = document(model(load={"type": "replay", "csv": "trace.csv", **load}))
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


def test_replay_csv_is_read_relative_to_the_scenario(tmp_path: Path) -> None:
    path = _write_replay(tmp_path, "t_seconds,rps\n0,5\n10,15\n")
    load = load_scenario(path).deployments[0].load
    assert isinstance(load, ReplayLoad)
    assert load.rate_at(5) == pytest.approx(10)


def test_replay_columns_can_be_renamed(tmp_path: Path) -> None:
    path = _write_replay(tmp_path, "minute,qps\n0,1\n60,2\n", column="qps", timeColumn="minute")
    load = load_scenario(path).deployments[0].load
    assert load.rate_at(60) == 2


@pytest.mark.parametrize(
    ("csv_text", "expected"),
    [
        pytest.param("t_seconds,qps\n0,1\n", "no column 'rps'", id="missing-column"),
        pytest.param("t_seconds,rps\n0,1\n0,2\n", "strictly increasing", id="unsorted"),
        pytest.param("t_seconds,rps\n0,-1\n", "must be >= 0", id="negative"),
        pytest.param("t_seconds,rps\n0,x\n", "non-numeric", id="text"),
        pytest.param("t_seconds,rps\n", "no rows", id="empty"),
    ],
)
def test_bad_replay_csv_names_the_csv_field(tmp_path: Path, csv_text: str, expected: str) -> None:
    path = _write_replay(tmp_path, csv_text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert "namespaces[0].models[0].load.csv:" in message
    assert expected in message

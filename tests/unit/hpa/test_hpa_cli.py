"""``servescale hpa step`` / ``hpa explain`` on the kubectl-shaped example, through a CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from servescale.commands.hpa import register

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "hpa" / "llm-gateway-step.json"


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_step_on_kubectl_output(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["hpa", "step", "--input", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    # cpu: ready pods abcde (1804m + 53m) and fghij (1650m + 48m) of 2 x 2100m -> trunc(355500/4200) = 84%
    #      -> 1.4; klmno is initialising with a sample older than readiness + window -> unready -> 0:
    #      trunc(355500/6300) = 56% -> 0.9333 inside [0.9, 1.05] -> 4; pqrst is terminating -> ignored
    # pods metric: (9 + 8 + 4) / 3 = 7 per pod vs 4 -> 1.75; ceil(1.75 * 3) = 6
    # external: 142 (queue=inference only) / (30 * 4) = 1.1833 -> ceil(142/30) = 5; reported 142/4 = 35.5
    assert [p["replicas"] for p in out["metricProposals"]] == [4, 6, 5]
    # behaviour: +1 pod 45 s ago inside the 60 s periods -> start 3: max(3 + 2, ceil(3 * 1.5)) = 5
    assert (out["desiredReplicas"], out["scaleUpdated"], out["error"]) == (5, True, None)
    limited = next(c for c in out["conditions"] if c["type"] == "ScalingLimited")
    assert (limited["status"], limited["reason"]) == ("True", "ScaleUpLimit")
    assert out["currentMetrics"][0]["resource"]["current"] == {
        "averageValue": "1777m",
        "averageUtilization": 84,
    }
    assert out["currentMetrics"][2]["external"]["current"] == {"averageValue": "35500m"}
    assert out["metricProposals"][0]["pods"] == {
        "ready": ["llm-gateway-7d9f8c6b5-abcde", "llm-gateway-7d9f8c6b5-fghij"],
        "unready": ["llm-gateway-7d9f8c6b5-klmno"],
        "missing": [],
        "ignored": ["llm-gateway-7d9f8c6b5-pqrst"],
    }
    # the 7 min-old recommendation's slot is reused for the new (unclamped) 6; a +1 event is appended
    assert [r["replicas"] for r in out["state"]["recommendations"]] == [6, 4, 4]
    assert [e["replicaChange"] for e in out["state"]["scaleUpEvents"]] == [1, 1]


def test_explain_on_kubectl_output(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["hpa", "explain", "--input", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Winning proposal: 6 replicas from pods metric vllm_num_requests_waiting." in text
    assert (
        "llm-gateway-7d9f8c6b5-klmno (CPU sample does not cover a full window since the pod became ready)"
        in text
    )
    assert "llm-gateway-7d9f8c6b5-pqrst (deletion timestamp set)" in text
    assert "Limited to 5 by ScaleUpLimit" in text
    assert "[0.9000, 1.0500]" in text
    assert "Result: scale from 4 to 5 replicas." in text


def test_step_reads_standard_input(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["hpa", "step", "--input", "-"], input=EXAMPLE.read_text())
    assert result.exit_code == 0
    assert json.loads(result.output)["desiredReplicas"] == 5


@pytest.mark.parametrize(
    ("command", "stdin", "message"),
    [
        pytest.param(
            ["hpa", "step", "--input", "/nonexistent/input.json"], None, "cannot read", id="missing-file"
        ),
        pytest.param(["hpa", "step", "--input", "-"], "{not json", "is not valid JSON", id="not-json"),
        pytest.param(
            ["hpa", "explain", "--input", "-"],
            '{"now": "2025-01-01T00:00:00Z"}',
            "hpa: Field required",
            id="invalid-document",
        ),
    ],
)
def test_bad_input_exits_2(app: typer.Typer, command: list[str], stdin: str | None, message: str) -> None:
    result = CliRunner().invoke(app, command, input=stdin)
    assert result.exit_code == 2
    assert message in result.output

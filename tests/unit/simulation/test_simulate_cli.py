"""``servescale simulate`` and ``manifests hpa`` through typer's runner; option parsing of the others."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import kubernetes_validate
import pandas as pd
import pytest
import typer
import yaml
from prometheus_api_client import PrometheusConnect
from typer.testing import CliRunner
from urllib3.util.retry import Retry

from autoscaler.simulation.prometheus_history import PrometheusHistory
from servescale.commands import simulate
from servescale.commands.conventions import parse_time

EXAMPLES = Path(__file__).parents[3] / "examples"


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer()
    simulate.register(application)
    return application


def test_simulate_writes_timeline_plot_and_summary(app: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "simulate",
            "--scenario", str(EXAMPLES / "scenarios" / "llama-spike.yaml"),
            "--hpa", str(EXAMPLES / "hpa" / "llama-hpa.yaml"),
            "--duration", "30m",
            "--out", str(tmp_path),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "GPU-hours" in result.output
    assert "ml/llama" in result.output
    frame = pd.read_csv(tmp_path / "timeline.csv")
    assert frame["t_seconds"].max() == 1800
    assert frame["desired_replicas"].max() > 2
    png = tmp_path / "timeline-ml-llama.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--duration", "ten minutes"], "--duration", id="bad-duration"),
        pytest.param(["--duration", "1m", "--sync-period", "7s"], "sample interval", id="sync-not-multiple"),
        pytest.param(
            ["--duration", "1m", "--scenario", "/nonexistent.yaml"], "--scenario", id="missing-scenario"
        ),
    ],
)
def test_simulate_bad_options_exit_2(app: typer.Typer, args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["simulate", "--hpa", str(EXAMPLES / "hpa" / "llama-hpa.yaml"), *args])
    assert result.exit_code == 2
    assert message in result.output


def test_simulate_refuses_an_hpa_for_a_missing_deployment(app: typer.Typer, tmp_path: Path) -> None:
    hpa = tmp_path / "hpa.yaml"
    hpa.write_text(
        (EXAMPLES / "hpa" / "llama-hpa.yaml").read_text().replace("name: llama\n", "name: mistral\n")
    )
    result = CliRunner().invoke(
        app, ["simulate", "--hpa", str(hpa), "--duration", "1m", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "mistral" in result.output


def test_manifests_hpa_prints_valid_objects(app: typer.Typer) -> None:
    result = CliRunner().invoke(
        app, ["manifests", "hpa", "--config", str(EXAMPLES / "hpa" / "autoscaling.yaml")]
    )
    assert result.exit_code == 0, result.output
    documents = list(yaml.safe_load_all(result.output))
    assert [d["spec"]["metrics"][0]["type"] for d in documents] == ["Pods", "External"]
    for document in documents:
        kubernetes_validate.validate(document, "1.33", strict=True)


def test_manifests_hpa_names_the_bad_field(app: typer.Typer, tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        "autoscaling:\n  workloads:\n    - {namespace: ml, deployment: llama, metric: nope,"
        " target: {type: AverageValue, value: 1}, maxReplicas: 3}\n"
    )
    result = CliRunner().invoke(app, ["manifests", "hpa", "--config", str(config)])
    assert result.exit_code == 2
    assert "autoscaling.workloads[0].metric" in result.output


NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("now", NOW, id="now"),
        pytest.param("now-1h30m", NOW - timedelta(minutes=90), id="relative"),
        pytest.param("2025-06-01T10:00:00Z", datetime(2025, 6, 1, 10, tzinfo=UTC), id="rfc3339"),
        pytest.param("1748772000", datetime(2025, 6, 1, 10, tzinfo=UTC), id="unix"),
        pytest.param("2025-06-01T12:00:00+02:00", datetime(2025, 6, 1, 10, tzinfo=UTC), id="rfc3339-offset"),
    ],
)
def test_times_are_parsed(text: str, expected: datetime) -> None:
    assert parse_time(text, "--from", now=NOW) == expected


def test_a_time_without_a_zone_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(typer.Exit) as exit_info:
        parse_time("2025-06-01T10:00:00", "--from", now=NOW)
    assert exit_info.value.exit_code == 2
    assert "--from: '2025-06-01T10:00:00' has no time zone; add Z or an offset" in capsys.readouterr().err


def test_backtest_refuses_an_hpa_with_two_metrics(app: typer.Typer, tmp_path: Path) -> None:
    text = (EXAMPLES / "hpa" / "llama-hpa.yaml").read_text()
    doubled = text.replace(
        "  metrics:\n",
        "  metrics:\n    - type: Resource\n"
        "      resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}\n",
    )
    hpa = tmp_path / "hpa.yaml"
    hpa.write_text(doubled)
    result = CliRunner().invoke(
        app, ["backtest", "--prometheus-url", "http://127.0.0.1:1", "--hpa", str(hpa), "--from", "now-1h"]
    )
    assert result.exit_code == 2
    assert "exactly one" in result.output


RECOMMEND = [
    "recommend",
    "--namespace", "ml", "--deployment", "llama",
    "--metric", "istio_requests_per_second", "--latency-threshold-ms", "500",
]  # fmt: skip


def _without_retries(url: str) -> PrometheusHistory:  # the library backs off for seconds otherwise
    return PrometheusHistory(url, connect=PrometheusConnect(url, disable_ssl=True, retry=Retry(total=0)))


def test_recommend_without_a_reachable_prometheus_exits_1(
    app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(simulate, "PrometheusHistory", _without_retries)
    result = CliRunner().invoke(
        app, [*RECOMMEND, "--prometheus-url", "http://127.0.0.1:1", "--out", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "cannot read history from http://127.0.0.1:1" in result.output
    assert not (tmp_path / "hpa.yaml").exists()


def test_backtest_without_a_reachable_prometheus_exits_1(
    app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(simulate, "PrometheusHistory", _without_retries)
    hpa = Path(__file__).resolve().parents[3] / "examples" / "hpa" / "llama-hpa.yaml"
    result = CliRunner().invoke(
        app,
        ["backtest", "--prometheus-url", "http://127.0.0.1:1", "--hpa", str(hpa), "--from", "now-1h",
         "--out", str(tmp_path)],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "cannot read history from http://127.0.0.1:1" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--rate-window", "five seconds"], "--rate-window", id="bad-rate-window"),
        pytest.param(["--rate-window", "0s"], "--rate-window", id="zero-rate-window"),
        pytest.param(["--from", "now-1h", "--to", "now-2h"], "--from/--to", id="from-after-to"),
        pytest.param(["--metric", "nope"], "nope", id="unknown-metric"),
        pytest.param(
            ["--latency-percentile", "42"], "istio_request_duration_p42_ms", id="no-such-percentile"
        ),
    ],
)
def test_recommend_bad_options_exit_2(app: typer.Typer, args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, [*RECOMMEND, "--prometheus-url", "http://127.0.0.1:1", *args])
    assert result.exit_code == 2, result.output
    assert message in result.output

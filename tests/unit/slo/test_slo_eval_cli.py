"""``servescale slo status`` and ``slo report`` on a typer app of their own, against a fake Prometheus."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from metrics_adapter.promql import Duration, PrometheusClient, PrometheusUnavailableError
from servescale.commands import slo as slo_command
from slo.sli import event_queries
from slo.spec import load_slos
from tests.unit.slo.test_slo_eval_fake import TablePrometheus

SPEC = """
slos:
  - {name: availability, service: llama, objective: 99, window: {rolling: 30d},
     sli: {kind: availability, namespace: ml, workload: llama}}
"""
AT = "2026-10-11T00:00:00Z"


@pytest.fixture
def prometheus() -> TablePrometheus:
    fake = TablePrometheus()
    queries = event_queries(load_slos(SPEC)[0])
    fake.set(queries.numerator(Duration.days(30)), 5.0)
    fake.set(queries.total(Duration.days(30)), 1000.0)
    return fake


@pytest.fixture
def spec_file(tmp_path: Path) -> Path:
    path = tmp_path / "slos.yaml"
    path.write_text(SPEC)
    return path


def app_for(prometheus: TablePrometheus) -> typer.Typer:
    @contextlib.asynccontextmanager
    async def factory(url: str) -> AsyncIterator[PrometheusClient]:
        assert url == "http://prom:9090"
        yield prometheus

    app = typer.Typer()
    slo_command.register(app, client_factory=factory)
    return app


def run(prometheus: TablePrometheus, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app_for(prometheus), ["slo", *args, "--prometheus-url", "http://prom:9090"])
    return result.exit_code, result.output


def test_status_json_at_a_fixed_instant(prometheus: TablePrometheus, spec_file: Path) -> None:
    code, output = run(prometheus, "status", "--slos", str(spec_file), "--at", AT, "--format", "json")
    assert code == 0, output
    body = json.loads(output)
    assert body["at"].startswith("2026-10-11T00:00:00")
    measurement = body["slos"][0]["measurement"]
    assert measurement["sli"] == pytest.approx(0.995)
    assert measurement["errorBudget"]["remaining"] == pytest.approx(0.5)
    assert {query.at for query in prometheus.queries} == {datetime(2026, 10, 11, tzinfo=UTC).timestamp()}


def test_status_table(prometheus: TablePrometheus, spec_file: Path) -> None:
    code, output = run(prometheus, "status", "--slos", str(spec_file), "--at", "1791676800")
    assert code == 0, output
    assert "llama-availability" in output
    assert "99.500%" in output
    assert "50.0%" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--at", "2026-10-11T00:00:00"], "no time zone", id="naive-at"),
        pytest.param(["--at", "yesterday"], "neither ISO 8601", id="bad-at"),
        pytest.param(["--format", "yaml"], "table or json", id="bad-format"),
    ],
)
def test_status_rejects_bad_input(
    prometheus: TablePrometheus, spec_file: Path, args: list[str], message: str
) -> None:
    code, output = run(prometheus, "status", "--slos", str(spec_file), *args)
    assert code == 2
    assert message in output


def test_unreachable_prometheus_exits_1(prometheus: TablePrometheus, spec_file: Path) -> None:
    prometheus.fail_with(PrometheusUnavailableError("connection refused"))
    code, output = run(prometheus, "status", "--slos", str(spec_file), "--at", AT)
    assert code == 1
    assert "connection refused" in output


def test_invalid_spec_exits_2(prometheus: TablePrometheus, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("slos: [{name: x}]\n")
    code, output = run(prometheus, "status", "--slos", str(path))
    assert code == 2
    assert "invalid SLO spec" in output


@pytest.mark.parametrize(
    ("fmt", "marker"),
    [
        pytest.param("json", '"schema_version": "servescale.slo-report/v1"', id="json"),
        pytest.param("md", "# SLO report", id="markdown"),
        pytest.param("html", "<!DOCTYPE html>", id="html"),
    ],
)
def test_report_writes_the_file(
    prometheus: TablePrometheus, spec_file: Path, tmp_path: Path, fmt: str, marker: str
) -> None:
    out = tmp_path / f"report.{fmt}"
    code, output = run(
        prometheus, "report", "--slos", str(spec_file), "--at", AT, "--format", fmt, "--out", str(out)
    )
    assert code == 0, output
    assert marker in out.read_text()


def test_report_month(prometheus: TablePrometheus, spec_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "month.json"
    code, output = run(
        prometheus,
        "report",
        "--slos",
        str(spec_file),
        "--month",
        "2026-09",
        "--format",
        "json",
        "--out",
        str(out),
    )
    assert code == 0, output
    document = json.loads(out.read_text())
    assert document["period"] == {"kind": "month", "month": "2026-09"}
    assert document["timestamp_human"].startswith("2026-10-01T00:00:00")


def test_report_refuses_at_with_month(prometheus: TablePrometheus, spec_file: Path, tmp_path: Path) -> None:
    args = [
        "report",
        "--slos",
        str(spec_file),
        "--at",
        AT,
        "--month",
        "2026-09",
        "--out",
        str(tmp_path / "x"),
    ]
    code, output = run(prometheus, *args)
    assert code == 2
    assert "not both" in output

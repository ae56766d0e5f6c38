"""render() into a directory, and the ``alerts render`` / ``alerts test`` commands (argument handling)."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from alerts.config import parse_alerts_config
from alerts.render import render
from alerts.rules.files import OutputFormat
from servescale.commands.alerts import register
from tests.unit.alerts.alerts_slo_builders import latency, make_slo

SPEC = """
apiVersion: servescale/v1
slos:
  - name: availability
    service: llama
    sli: {kind: availability, namespace: ml, workload: llama-predictor}
    objective: 99.9
    window: {rolling: 30d}
"""


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_render_writes_rules_tests_and_alertmanager(tmp_path: Path) -> None:
    config = parse_alerts_config(
        {"alertmanager": {"receivers": [{"name": "null"}], "defaultReceiver": "null"}}
    )
    written = render([make_slo(), make_slo(sli=latency(), name="latency")], out_dir=tmp_path, config=config)
    assert [path.name for path in written] == [
        "alertmanager.yaml",
        "autoscaling.rules.yaml",
        "autoscaling.test.yaml",
        "slo-llama-availability.rules.yaml",
        "slo-llama-availability.slow.test.yaml",
        "slo-llama-availability.test.yaml",
        "slo-llama-latency.rules.yaml",
        "slo-llama-latency.slow.test.yaml",
        "slo-llama-latency.test.yaml",
    ]
    inhibit = yaml.safe_load((tmp_path / "alertmanager.yaml").read_text())["inhibit_rules"]
    assert len(inhibit) == 4  # page>ticket, 1h>6h, 1d>3d, queue>at-max


def test_prometheusrule_format_and_no_tests(tmp_path: Path) -> None:
    config = parse_alerts_config({"autoscaling": {"enabled": False}, "prometheusRule": {"namespace": "mon"}})
    written = render(
        [make_slo()], out_dir=tmp_path, config=config, fmt=OutputFormat.PROMETHEUS_RULE, tests=False
    )
    assert [path.name for path in written] == ["slo-llama-availability.prometheusrule.yaml"]
    document = yaml.safe_load(written[0].read_text())
    assert document["metadata"]["name"] == "servescale-slo-llama-availability"
    assert document["metadata"]["namespace"] == "mon"
    assert [group["name"] for group in document["spec"]["groups"]] == [
        "slo-llama-availability-sli",
        "slo-llama-availability-budget",
        "slo-llama-availability-alerts",
    ]


def test_render_refuses_two_slos_with_one_rule_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="slo-llama-availability"):
        render([make_slo(), make_slo(percent="99")], out_dir=tmp_path)


def test_render_is_byte_for_byte_repeatable(tmp_path: Path) -> None:
    first = {p.name: p.read_bytes() for p in render([make_slo()], out_dir=tmp_path / "a")}
    second = {p.name: p.read_bytes() for p in render([make_slo()], out_dir=tmp_path / "b")}
    assert first == second


def test_cli_render_lists_the_files(tmp_path: Path) -> None:
    spec = tmp_path / "slos.yaml"
    spec.write_text(SPEC)
    out = tmp_path / "out"
    result = CliRunner().invoke(_app(), ["alerts", "render", "--slos", str(spec), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{out}/slo-llama-availability.rules.yaml" in result.output.splitlines()
    assert (out / "autoscaling.test.yaml").exists()


@pytest.mark.parametrize(
    ("spec", "config", "message"),
    [
        pytest.param("slos: [{name: x}]", None, "invalid SLO spec", id="bad-spec"),
        pytest.param(SPEC, "slo: {minEvents: -1}", "slo.minEvents", id="bad-config"),
        pytest.param(
            SPEC, "alertmanager: {receivers: [], defaultReceiver: x}", "alertmanager.receivers", id="am"
        ),
    ],
)
def test_cli_render_reports_bad_input_with_exit_2(
    tmp_path: Path, spec: str, config: str | None, message: str
) -> None:
    spec_file = tmp_path / "slos.yaml"
    spec_file.write_text(spec)
    args = ["alerts", "render", "--slos", str(spec_file), "--out", str(tmp_path / "out")]
    if config is not None:
        config_file = tmp_path / "alerts.yaml"
        config_file.write_text(config)
        args += ["--config", str(config_file)]
    result = CliRunner().invoke(_app(), args)
    assert result.exit_code == 2
    assert message in result.output


def test_cli_test_needs_a_directory(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["alerts", "test", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert "is not a directory" in result.output

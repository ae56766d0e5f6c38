"""Rendered rules against the real tools: ``promtool check rules``, the generated ``promtool test
rules`` files, and ``amtool check-config`` — and proof that the generated tests fail on wrong rules.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from alerts.config import AlertsConfig, load_alerts_config
from alerts.promtool.verify import VerifyReport, verify_directory
from alerts.render import render
from alerts.rules.files import OutputFormat
from servescale.commands.alerts import register
from slo.spec import load_slo_file, load_slos
from tests.integration.conftest import SHORT_TIERS_SLO

pytestmark = [pytest.mark.integration, pytest.mark.long(seconds=190)]

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "tests" / "golden" / "alerts" / "config.yaml"
EXAMPLES = ROOT / "examples" / "slos"

# 28-day period (factors 13.44 / 5.6 / 2.8 / 0.9333), a service target, a code policy and a guard.
CONSTRUCTED = """
apiVersion: servescale/v1
slos:
  - name: embed-availability
    service: embedder
    sli:
      kind: availability
      namespace: ml
      service: embedder
      badCodes: "5.."
      codePolicy: {"429": bad, "503": excluded}
    objective: 99.9
    window: {rolling: 28d}
    alerting:
      minEvents: 2000
"""


# One SLO of every SLI kind whose raw series are not synthesised (their tests feed the error-ratio
# records), plus timeslices and native histograms; tiers, guard and no-data alerts on.
EVERY_KIND = """
slos:
  - name: avail-slices
    service: llama
    sli: {kind: availability, namespace: ml, workload: llama-predictor}
    objective: 99.5
    window: {rolling: 30d}
    budgeting: {method: timeslices, sliceWindow: 1m, sliceTarget: 0.95}
  - name: latency-native
    service: llama
    sli: {kind: latency, namespace: ml, workload: llama-predictor, thresholdMs: 1000, histogram: native}
    objective: 99
    window: {rolling: 28d}
  - name: gpu-headroom
    service: llama
    sli:
      kind: threshold
      metric: DCGM_FI_DEV_GPU_UTIL
      matchers: {namespace: ml}
      comparison: lt
      threshold: 95
    objective: 99
    window: {rolling: 7d}
  - name: queue-query
    service: llama
    sli:
      kind: threshold
      query: 'max(vllm:num_requests_waiting{namespace="ml"})'
      comparison: lte
      threshold: 10
    objective: 99
    window: {rolling: 7d}
  - name: ratio-window
    service: llama
    sli:
      kind: ratio
      bad: 'sum(rate(errors_total[{{.window}}]))'
      total: 'sum(rate(requests_total[{{.window}}]))'
    objective: 99.9
    window: {rolling: 30d}
    alerting: {minEvents: 50}
  - name: ratio-counter
    service: llama
    sli: {kind: ratio, good: 'sum(ok_total)', total: 'sum(requests_total)'}
    objective: 99.9
    window: {rolling: 30d}
    alerting: {minEvents: 50}
"""
SLOTH_RAW_RATIO = """
version: prometheus/v1
service: llama
slos:
  - name: raw-latency
    objective: 99
    sli:
      raw:
        error_ratio_query: 1 - (sum(rate(x_bucket{le="1"}[{{.window}}])) / sum(rate(x_count[{{.window}}])))
    alerting:
      name: RawLatency
"""


def _promtool_on_wrong_rules(source: Path, out: Path, stem: str, original: str, wrong: str) -> str:
    """Run ``<stem>.test.yaml`` from ``source`` against its rules with ``original`` replaced by ``wrong``;
    asserts promtool fails and returns its output."""
    rule_file, test_file = f"{stem}.rules.yaml", f"{stem}.test.yaml"
    text = (source / rule_file).read_text()
    assert original in text
    (out / rule_file).write_text(text.replace(original, wrong))
    shutil.copyfile(source / test_file, out / test_file)
    done = subprocess.run(
        ["promtool", "test", "rules", test_file], cwd=out, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert "FAILED" in done.stdout + done.stderr
    return done.stdout + done.stderr


def _names(report: VerifyReport) -> list[str]:
    return [" ".join(run.command[1:3] + run.command[3:4]) for run in report.runs]


def _assert_ok(report: VerifyReport) -> None:
    failures = [f"{' '.join(run.command)}\n{run.output}" for run in report.runs if not run.ok]
    assert report.ok, "\n\n".join(failures)


@pytest.fixture(scope="module")
def llama_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("llama")
    render(load_slo_file(EXAMPLES / "llama.yaml"), out_dir=out, config=load_alerts_config(CONFIG))
    return out


def test_example_slos_pass_check_generated_tests_and_amtool(llama_dir: Path) -> None:
    report = verify_directory(llama_dir, workers=2)
    _assert_ok(report)
    names = _names(report)
    assert names[0] == "check rules autoscaling.rules.yaml"
    assert "test rules slo-llama-llama-availability.test.yaml" in names
    assert "test rules slo-llama-llama-latency.slow.test.yaml" in names
    assert "test rules autoscaling.test.yaml" in names
    assert names[-1] == "check-config alertmanager.yaml"


def test_constructed_28d_slo_with_guard_passes(tmp_path: Path) -> None:
    render(
        load_slos(CONSTRUCTED),
        out_dir=tmp_path,
        config=AlertsConfig.model_validate({"autoscaling": {"enabled": False}}),
    )
    assert (tmp_path / "slo-embedder-embed-availability.slow.test.yaml").exists()
    _assert_ok(verify_directory(tmp_path, workers=2))


def test_every_sli_kind_gets_generated_tests_that_pass(tmp_path: Path) -> None:
    slos = (*load_slos(EVERY_KIND), *load_slos(SLOTH_RAW_RATIO))
    written = render(
        slos, out_dir=tmp_path, config=AlertsConfig.model_validate({"autoscaling": {"enabled": False}})
    )
    rule_files = {
        path.name.removesuffix(".rules.yaml") for path in written if path.name.endswith(".rules.yaml")
    }
    test_files = {
        path.name.removesuffix(".test.yaml") for path in written if path.name.endswith(".test.yaml")
    }
    assert len(rule_files) == 7
    assert rule_files <= test_files  # every rule file has its generated test
    _assert_ok(verify_directory(tmp_path, workers=2))


def test_record_level_tests_fail_on_a_5pct_low_page_threshold(tmp_path: Path) -> None:
    render(load_slo_file(EXAMPLES / "openslo.yaml"), out_dir=tmp_path / "good", config=AlertsConfig())
    name = "slo-llama-llama-availability"
    assert (tmp_path / "good" / f"{name}.rules.yaml").read_text().count("> 0.072)") == 2
    output = _promtool_on_wrong_rules(tmp_path / "good", tmp_path, name, "> 0.072)", "> 0.0684)")
    assert 'long_window="1h"' in output


@pytest.mark.parametrize(
    "autoscaling",
    [
        pytest.param({}, id="defaults"),
        pytest.param(
            {
                "gpu": {
                    "metric": "DCGM_FI_PROF_GR_ENGINE_ACTIVE",
                    "podLabel": "pod",
                    "namespaceLabel": "namespace",
                }
            },
            id="gr-engine-active-pod-labels",
        ),
        pytest.param(
            {
                "gpu": {"metric": "DCGM_FI_DEV_GPU_UTIL", "thresholdPercent": 70, "for": "3m"},
                "queues": [
                    {"metric": "nv_inference_pending_request_count"},
                    {"metric": "rabbitmq_queue_messages_ready", "namespaceLabel": "k8s_namespace"},
                ],
                "atMaxFor": "5m",
                "severities": {"HorizontalPodAutoscalerAtMaxReplicas": "page"},
            },
            id="gpu-util-triton-rabbitmq",
        ),
    ],
)
def test_autoscaling_presets_pass_their_generated_tests(
    tmp_path: Path, autoscaling: dict[str, object]
) -> None:
    config = AlertsConfig.model_validate({"autoscaling": autoscaling})
    written = render((), out_dir=tmp_path, config=config)
    assert sorted(path.name for path in written) == ["autoscaling.rules.yaml", "autoscaling.test.yaml"]
    _assert_ok(verify_directory(tmp_path, workers=2))


@pytest.fixture(scope="module")
def short_tiers_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("short")
    render(
        load_slos(SHORT_TIERS_SLO),
        out_dir=out,
        config=AlertsConfig.model_validate({"autoscaling": {"enabled": False}}),
    )
    return out


def test_second_scale_tiers_pass_their_generated_tests(short_tiers_dir: Path) -> None:
    assert (
        "evaluation_interval: 1s"
        in (short_tiers_dir / "slo-resnet-resnet-availability.test.yaml").read_text()
    )
    _assert_ok(verify_directory(short_tiers_dir, workers=2))


def test_generated_second_scale_tests_fail_on_a_10pct_low_page_threshold(
    short_tiers_dir: Path, tmp_path: Path
) -> None:
    name = "slo-resnet-resnet-availability"
    assert (short_tiers_dir / f"{name}.rules.yaml").read_text().count("> 0.1)") == 2
    # Two 1 s evaluation steps of margin out of a ~27 s detection time: errors above ~7 % are caught.
    output = _promtool_on_wrong_rules(short_tiers_dir, tmp_path, name, "> 0.1)", "> 0.09)")
    assert 'long_window="30s"' in output  # the page tier's timing check


@pytest.mark.parametrize(
    ("rule_file", "test_file", "original", "wrong"),
    [
        pytest.param(
            "slo-llama-llama-availability.rules.yaml",
            "slo-llama-llama-availability.test.yaml",
            "> 0.072)",
            "> 0.0684)",
            id="page-threshold-5pct-low",
        ),
        pytest.param(
            "slo-llama-llama-availability.rules.yaml",
            "slo-llama-llama-availability.test.yaml",
            "> 0.03)",
            "> 0.0315)",
            id="page-threshold-5pct-high",
        ),
        pytest.param(
            "autoscaling.rules.yaml", "autoscaling.test.yaml", "* 100) > 85", "* 100) > 95", id="gpu"
        ),
        pytest.param("autoscaling.rules.yaml", "autoscaling.test.yaml", "for: 15m", "for: 25m", id="hpa-for"),
    ],
)
def test_generated_tests_fail_on_wrong_rules(
    llama_dir: Path, tmp_path: Path, rule_file: str, test_file: str, original: str, wrong: str
) -> None:
    stem = rule_file.removesuffix(".rules.yaml")
    assert test_file == f"{stem}.test.yaml"
    _promtool_on_wrong_rules(llama_dir, tmp_path, stem, original, wrong)


def test_amtool_rejects_a_config_with_a_missing_receiver(llama_dir: Path, tmp_path: Path) -> None:
    broken = (llama_dir / "alertmanager.yaml").read_text().replace("receiver: ml-oncall", "receiver: nobody")
    (tmp_path / "alertmanager.yaml").write_text(broken)
    done = subprocess.run(
        ["amtool", "check-config", "alertmanager.yaml"], cwd=tmp_path, capture_output=True, check=False
    )
    assert done.returncode != 0


def test_cli_test_on_prometheusrule_output_and_on_a_broken_dir(tmp_path: Path) -> None:
    app = typer.Typer()
    register(app)
    out = tmp_path / "out"
    render(
        load_slo_file(EXAMPLES / "openslo.yaml"),
        out_dir=out,
        config=load_alerts_config(CONFIG),
        fmt=OutputFormat.PROMETHEUS_RULE,
    )
    result = CliRunner().invoke(app, ["alerts", "test", str(out)])
    assert result.exit_code == 0, result.output
    assert "ok: promtool check rules autoscaling.rules.yaml" in result.output
    assert "ok: amtool check-config alertmanager.yaml" in result.output
    rules = out / "autoscaling.prometheusrule.yaml"
    rules.write_text(rules.read_text().replace("for: 15m", "for: 45m"))
    result = CliRunner().invoke(app, ["alerts", "test", str(out)])
    assert result.exit_code == 1
    assert "FAILED (exit 1): promtool test rules autoscaling.test.yaml" in result.output

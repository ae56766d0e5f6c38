"""Bad input across the whole ``servescale`` CLI: exit 2 naming file, entry and field (or the option),
exit 1 in one line when Prometheus, promtool or a port is out of reach, and never a traceback.

Each case runs the real command line through typer's runner on ``servescale.cli.app``. ``{dir}`` in
an argument is the case's temporary directory, holding the files of FILES; ``{closed}`` is a loopback
URL nothing listens on, ``{busy}`` a loopback port something listens on, ``{free}`` one that is free.
"""

from __future__ import annotations

import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from servescale.cli import app
from servescale.stack.ports import free_port

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
HPA = str(EXAMPLES / "hpa" / "llama-hpa.yaml")
SLOS = str(EXAMPLES / "slos" / "llama.yaml")
STEP = str(EXAMPLES / "hpa" / "llm-gateway-step.json")
AUTOSCALING = str(EXAMPLES / "hpa" / "autoscaling.yaml")

WRONG_HPA = """\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: llama, namespace: ml}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: llama}
  maxReplicas: many
  metrics: []
"""
WRONG_SCENARIO = """\
namespaces:
  - name: ml
    models:
      - {name: llama, server: vllm, replicas: 2, capacityRps: fast, baseLatencyMs: 150,
         gpu: {model: A100, memoryMiB: 81920}, load: {type: constant, rps: 5}}
"""
FILES = {
    "broken.yaml": b"a: [1, 2\n",
    "latin1.yaml": "capacité: 3\n".encode("latin-1"),
    "catalogue.yaml": b"metrics:\n  - name: 5\n    value: {query: up}\n",
    "scenario.yaml": WRONG_SCENARIO.encode(),
    "hpa.yaml": WRONG_HPA.encode(),
    "autoscaling.yaml": b"autoscaling:\n  workloads:\n"
    b"    - {namespace: ml, deployment: llama, minReplicas: two}\n",
    "slos.yaml": b"slos:\n  - {name: avail, service: llama, objective: high, window: {rolling: 30d},\n"
    b"     sli: {kind: availability, namespace: ml, workload: llama}}\n",
    "alerts.yaml": b"alertmanager: 3\n",
    "step.json": b'{"now": "2026-01-01T00:00:00Z", "hpa": 3}',
    "kubeconfig.yaml": b"clusters: 3\n",
    "a-file": b"",
}


def case(id_: str, args: str, code: int, *named: str) -> object:
    return pytest.param(args, code, named, id=id_)


BAD_FILES = [
    case("catalogue-missing", "metrics list --config {dir}/none.yaml", 2, "none.yaml"),
    case("catalogue-yaml", "metrics list --config {dir}/broken.yaml", 2, "broken.yaml", "invalid YAML"),
    case("catalogue-encoding", "metrics list --config {dir}/latin1.yaml", 2, "latin1.yaml", "utf-8"),
    case(
        "catalogue-field",
        "metrics list --config {dir}/catalogue.yaml",
        2,
        "catalogue.yaml",
        "metrics[0]: name",
    ),
    case(
        "serve-catalogue-field",
        "serve --prometheus-url {closed} --insecure-port 1 --config {dir}/catalogue.yaml",
        2,
        "catalogue.yaml",
        "metrics[0]: name",
    ),
    case(
        "serve-slos-field",
        "serve --prometheus-url {closed} --insecure-port 1 --slos {dir}/slos.yaml",
        2,
        "slos.yaml",
        'slos[0] "avail"',
        "objective",
    ),
    case(
        "serve-slos-encoding",
        "serve --prometheus-url {closed} --insecure-port 1 --slos {dir}/latin1.yaml",
        2,
        "--slos",
        "latin1.yaml",
    ),
    case(
        "serve-kubeconfig",
        "serve --prometheus-url {closed} --insecure-port 1 --kubeconfig {dir}/kubeconfig.yaml",
        2,
        "--kubeconfig",
        "kubeconfig.yaml",
    ),
    case(
        "serve-kubeconfig-yaml",
        "serve --prometheus-url {closed} --insecure-port 1 --kubeconfig {dir}/broken.yaml",
        2,
        "--kubeconfig",
        "broken.yaml",
    ),
    case(
        "sandbox-scenario-field",
        "sandbox --check --scenario {dir}/scenario.yaml",
        2,
        "scenario.yaml",
        "namespaces[0].models[0].capacityRps",
    ),
    case(
        "sandbox-scenario-encoding", "sandbox --check --scenario {dir}/latin1.yaml", 2, "latin1.yaml", "UTF-8"
    ),
    case("sandbox-scenario-missing", "sandbox --check --scenario {dir}/none.yaml", 2, "none.yaml"),
    case(
        "demo-scenario-field",
        "demo --scenario {dir}/scenario.yaml",
        2,
        "--scenario",
        "scenario.yaml",
        "capacityRps",
    ),
    case("demo-hpa-field", "demo --hpa {dir}/hpa.yaml", 2, "--hpa", "hpa.yaml", "hpa[0].spec.maxReplicas"),
    case("demo-hpa-encoding", "demo --hpa {dir}/latin1.yaml", 2, "--hpa", "latin1.yaml", "UTF-8"),
    case("hpa-step-missing", "hpa step --input {dir}/none.json", 2, "none.json"),
    case("hpa-step-json", "hpa step --input {dir}/broken.yaml", 2, "broken.yaml", "not valid JSON"),
    case("hpa-step-encoding", "hpa explain --input {dir}/latin1.yaml", 2, "latin1.yaml", "UTF-8"),
    case("hpa-step-field", "hpa step --input {dir}/step.json", 2, "step.json: hpa:", "step.json: scale:"),
    case(
        "simulate-hpa-field",
        "simulate --hpa {dir}/hpa.yaml --duration 1m",
        2,
        "--hpa",
        "hpa.yaml",
        "hpa[0].spec.maxReplicas",
    ),
    case(
        "simulate-hpa-encoding", "simulate --hpa {dir}/latin1.yaml --duration 1m", 2, "latin1.yaml", "UTF-8"
    ),
    case(
        "simulate-scenario-encoding",
        f"simulate --hpa {HPA} --duration 1m --scenario {{dir}}/latin1.yaml",
        2,
        "--scenario",
        "latin1.yaml",
        "UTF-8",
    ),
    case(
        "manifests-field",
        "manifests hpa --config {dir}/autoscaling.yaml",
        2,
        "autoscaling.yaml",
        "autoscaling.workloads[0].minReplicas",
    ),
    case("manifests-encoding", "manifests hpa --config {dir}/latin1.yaml", 2, "latin1.yaml", "UTF-8"),
    case("manifests-yaml", "manifests hpa --config {dir}/broken.yaml", 2, "broken.yaml", "not valid YAML"),
    case(
        "manifests-catalogue",
        f"manifests hpa --config {AUTOSCALING} --catalogue-config {{dir}}/catalogue.yaml",
        2,
        "--catalogue-config",
        "catalogue.yaml",
        "metrics[0]: name",
    ),
    case(
        "slo-field",
        "slo status --slos {dir}/slos.yaml --prometheus-url {closed}",
        2,
        "slos.yaml",
        'slos[0] "avail"',
        "objective",
    ),
    case(
        "slo-encoding",
        "slo report --slos {dir}/latin1.yaml --prometheus-url {closed} --out {dir}/r.html",
        2,
        "latin1.yaml",
        "UTF-8",
    ),
    case("slo-missing", "slo status --slos {dir}/none.yaml --prometheus-url {closed}", 2, "none.yaml"),
    case(
        "alerts-config-field",
        f"alerts render --slos {SLOS} --out {{dir}}/out --config {{dir}}/alerts.yaml",
        2,
        "alerts.yaml",
        "alertmanager",
    ),
    case(
        "alerts-config-encoding",
        f"alerts render --slos {SLOS} --out {{dir}}/out --config {{dir}}/latin1.yaml",
        2,
        "latin1.yaml",
        "UTF-8",
    ),
    case(
        "alerts-slos-encoding",
        "alerts render --slos {dir}/latin1.yaml --out {dir}/out",
        2,
        "latin1.yaml",
        "UTF-8",
    ),
    case(
        "dashboards-config-encoding",
        "dashboards export --out {dir}/boards --config {dir}/latin1.yaml",
        2,
        "latin1.yaml",
    ),
    case(
        "dashboards-slos-field",
        "dashboards export --out {dir}/boards --slos {dir}/slos.yaml",
        2,
        "slos.yaml",
        'slos[0] "avail"',
        "objective",
    ),
    case(
        "deploy-config-field",
        "deploy render --out {dir}/manifests --config {dir}/catalogue.yaml",
        2,
        "catalogue.yaml",
        "metrics[0]: name",
    ),
    case("manifests-keda-encoding", "manifests keda --config {dir}/latin1.yaml", 2, "latin1.yaml", "UTF-8"),
]

BAD_OPTIONS = [
    case("serve-nothing-to-serve", "serve --prometheus-url {closed}", 2, "--insecure-port", "--kube-api-url"),
    case(
        "serve-secure-without-kube",
        "serve --prometheus-url {closed} --secure-port 6443",
        2,
        "--secure-port 6443",
        "--kube-api-url",
        "--insecure-port",
    ),
    case("serve-url", "serve --prometheus-url prometheus:9090 --insecure-port 1", 2, "--prometheus-url"),
    case(
        "serve-timeout",
        "serve --prometheus-url {closed} --insecure-port 1 --prometheus-timeout -1",
        2,
        "--prometheus-timeout",
    ),
    case(
        "serve-port-range",
        "serve --prometheus-url {closed} --insecure-port 70000",
        2,
        "--insecure-port",
        "70000",
    ),
    case(
        "serve-log-level",
        "serve --prometheus-url {closed} --insecure-port 1 --log-level loud",
        2,
        "--log-level",
    ),
    case(
        "serve-slo-interval",
        f"serve --prometheus-url {{closed}} --insecure-port 1 --slos {SLOS} --slo-interval 0",
        2,
        "--slo-interval",
    ),
    case(
        "serve-insecure-bind",
        "serve --prometheus-url {closed} --insecure-port 1 --insecure-bind-address 0.0.0.0",
        2,
        "0.0.0.0",
        "localhost",
    ),
    case("sandbox-listen", "sandbox --listen nowhere", 2, "--listen"),
    case("demo-sync-period", "demo --sync-period 0", 2, "--sync-period"),
    case(
        "simulate-duration-overflow",
        f"simulate --hpa {HPA} --duration 99999999999999999999y",
        2,
        "--duration",
    ),
    case(
        "simulate-out-is-a-file",
        f"simulate --hpa {HPA} --duration 1m --out {{dir}}/a-file",
        2,
        "--out",
        "a-file",
    ),
    case(
        "backtest-from-overflow",
        f"backtest --prometheus-url {{closed}} --hpa {HPA} --from 1e400",
        2,
        "--from",
    ),
    case(
        "backtest-from-before-year-1",
        f"backtest --prometheus-url {{closed}} --hpa {HPA} --from now-500000000h",
        2,
        "--from",
    ),
    case(
        "backtest-engine",
        f"backtest --prometheus-url {{closed}} --hpa {HPA} --from now-5m --engine fast",
        2,
        "--engine",
        "fast",
    ),
    case(
        "backtest-url",
        f"backtest --prometheus-url prometheus:9090 --hpa {HPA} --from now-5m",
        2,
        "--prometheus-url",
    ),
    case(
        "recommend-threshold",
        "recommend --prometheus-url {closed} --namespace ml --deployment llama "
        "--metric istio_requests_per_second --latency-threshold-ms -5",
        2,
        "--latency-threshold-ms",
    ),
    case("manifests-out", f"manifests hpa --config {AUTOSCALING} --out {{dir}}/none/hpa.yaml", 2, "--out"),
    case("slo-at-overflow", f"slo status --slos {SLOS} --prometheus-url {{closed}} --at 1e15", 2, "--at"),
    case("slo-url", f"slo status --slos {SLOS} --prometheus-url prometheus:9090", 2, "--prometheus-url"),
    case("alerts-out-is-a-file", f"alerts render --slos {SLOS} --out {{dir}}/a-file", 2, "--out", "a-file"),
    case("alerts-test-not-a-directory", "alerts test {dir}/a-file", 2, "a-file"),
    case(
        "serve-keda-port-range",
        "serve --prometheus-url {closed} --insecure-port 1 --keda-port 70000",
        2,
        "--keda-port",
        "70000",
    ),
    case(
        "dashboards-preview-url",
        "dashboards preview --prometheus-url prometheus:9090 --out {dir}/png",
        2,
        "--prometheus-url",
    ),
]

ZONELESS = "2026-01-01T00:00:00"
BACKTEST = f"backtest --prometheus-url {{closed}} --hpa {HPA}"
RECOMMEND = (
    "recommend --prometheus-url {closed} --namespace ml --deployment llama "
    "--metric istio_requests_per_second --latency-threshold-ms 300"
)

# One time parser for every option that takes a time: a time without a zone is refused, naming the
# option; RFC 3339 with a zone, Unix seconds and now-<duration> reach Prometheus (UNREACHABLE below).
BAD_TIMES = [
    case(
        "slo-status-at-without-zone",
        f"slo status --slos {SLOS} --prometheus-url {{closed}} --at {ZONELESS}",
        2,
        f"--at: '{ZONELESS}' has no time zone; add Z or an offset, e.g. 2026-01-01T00:00:00Z",
    ),
    case(
        "slo-report-at-without-zone",
        f"slo report --slos {SLOS} --prometheus-url {{closed}} --out {{dir}}/r.html --at {ZONELESS}",
        2,
        "--at",
        "no time zone",
    ),
    case("slo-at-not-a-time", f"slo status --slos {SLOS} --prometheus-url {{closed}} --at noon", 2, "--at"),
    case("backtest-from-without-zone", f"{BACKTEST} --from {ZONELESS}", 2, "--from", "no time zone"),
    case("backtest-to-without-zone", f"{BACKTEST} --from now-1h --to {ZONELESS}", 2, "--to", "no time zone"),
    case("recommend-from-without-zone", f"{RECOMMEND} --from {ZONELESS}", 2, "--from", "no time zone"),
    case(
        "dashboards-preview-from-without-zone",
        f"dashboards preview --prometheus-url {{closed}} --out {{dir}}/png --from {ZONELESS}",
        2,
        "--from",
        "no time zone",
    ),
]

UNREACHABLE = [
    case(
        "slo-status-at-relative",
        f"slo status --slos {SLOS} --prometheus-url {{closed}} --at now-1h",
        1,
        "Prometheus",
        "{closed}",
    ),
    case(
        "slo-status-at-offset",
        f"slo status --slos {SLOS} --prometheus-url {{closed}} --at 2026-01-01T01:00:00+01:00",
        1,
        "Prometheus",
    ),
    case("backtest-from-relative", f"{BACKTEST} --from now-1h --out {{dir}}/bt", 1, "{closed}"),
    case(
        "backtest-from-rfc3339",
        f"{BACKTEST} --from 2026-01-01T00:00:00Z --to 1767229200 --out {{dir}}/bt",
        1,
        "{closed}",
    ),
    case("slo-status", f"slo status --slos {SLOS} --prometheus-url {{closed}}", 1, "Prometheus", "{closed}"),
    case(
        "slo-report",
        f"slo report --slos {SLOS} --prometheus-url {{closed}} --out {{dir}}/r.html",
        1,
        "Prometheus",
        "{closed}",
    ),
    case(
        "backtest",
        f"backtest --prometheus-url {{closed}} --hpa {HPA} --from now-5m --out {{dir}}/bt",
        1,
        "{closed}",
    ),
    case(
        "recommend",
        "recommend --prometheus-url {closed} --namespace ml --deployment llama "
        "--metric istio_requests_per_second --latency-threshold-ms 300 --out {dir}/rec",
        1,
        "{closed}",
    ),
    case("alerts-test-without-promtool", "alerts test {dir}", 1, "promtool", "PATH"),
    case("alerts-test-promtool-unrunnable", "alerts test {dir}", 1, "promtool"),
    case(
        "serve-port-taken",
        "serve --prometheus-url {closed} --insecure-port {busy} --health-port 0",
        1,
        "--insecure-port",
        "{busy}",
    ),
    case("sandbox-port-taken", "sandbox --listen 127.0.0.1:{busy}", 1, "--listen", "{busy}"),
    case("demo-without-prometheus", "demo --duration 1", 1, "prometheus"),
    case(
        "serve-keda-port-taken",
        "serve --prometheus-url {closed} --insecure-port {free} --health-port 0 --keda-port {busy}",
        1,
        "--keda-port",
        "{busy}",
    ),
    case("dashboards-preview", "dashboards preview --prometheus-url {closed} --out {dir}/png", 1, "{closed}"),
]


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def _path_for(case_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The PATH a case runs with: no promtool, an unrunnable promtool, or no prometheus."""
    if case_id == "alerts-test-without-promtool":
        (tmp_path / "x.rules.yaml").write_text("groups: []\n")
        monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    elif case_id == "alerts-test-promtool-unrunnable":
        (tmp_path / "x.rules.yaml").write_text("groups: []\n")
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        for tool in ("promtool", "amtool"):
            script = bin_dir / tool
            script.write_text("#!/nonexistent/interpreter\n")
            script.chmod(script.stat().st_mode | stat.S_IXUSR)
        monkeypatch.setenv("PATH", str(bin_dir))
    elif case_id == "demo-without-prometheus":
        monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))


@pytest.mark.parametrize(("args", "code", "named"), BAD_FILES + BAD_OPTIONS + BAD_TIMES + UNREACHABLE)
def test_bad_input_exits_with_a_message_and_no_traceback(
    request: pytest.FixtureRequest,
    args: str,
    code: int,
    named: tuple[str, ...],
    tmp_path: Path,
    busy_port: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, content in FILES.items():
        (tmp_path / name).write_bytes(content)
    values = {
        "dir": str(tmp_path),
        "closed": f"http://127.0.0.1:{free_port()}",
        "busy": str(busy_port),
        "free": str(free_port()),
    }
    _path_for(request.node.callspec.id, tmp_path, monkeypatch)
    result = CliRunner().invoke(app, [word.format(**values) for word in args.split()])
    stderr = result.stderr
    assert result.exit_code == code, f"exit {result.exit_code}:\n{result.output}"
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert stderr.startswith("error: "), stderr
    for text in named:
        assert text.format(**values) in stderr, stderr
    if code == 1:
        assert len(stderr.strip().splitlines()) == 1, stderr

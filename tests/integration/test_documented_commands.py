"""Every command line README.md and examples/*/README.md show, run as documented.

The Markdown is parsed at test time (``documented_commands``), so a command added later is covered
too: shell code blocks and inline ``servescale ...`` spans in tables and prose. A synopsis runs with
all its optional groups, once per ``a|b`` alternative. Placeholders are replaced as PLACEHOLDERS
says, against the sandbox fleet scraped by a real Prometheus on loopback (and ``dashboards push`` against the
fake Grafana API of tests/fakes); documented and default ports become free loopback ports, so a
busy port on the machine cannot fail the test.

``serve``, ``sandbox`` and ``demo`` run as real ``servescale`` processes: the first two are started,
probed over HTTP and stopped with Ctrl-C (SIGINT), ``demo`` runs with ``--duration``. The rest run
to the end on the same typer app in this process (``command_plans.run_to_end``). A command passes
when it exits 0 with no traceback in its output. What cannot run here is in NOT_RUN or
EXCLUDED_GROUPS with the reason, and ``test_every_documented_command_is_run_or_listed`` fails on a
command that is neither run nor listed.
Commands run in document order: ``alerts test DIR`` checks what ``alerts render --out DIR`` wrote.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from servescale.demo.stack import running_stack
from tests.fakes.grafana_api import ADMIN_TOKEN, FakeGrafana
from tests.fakes.kube_apiserver import serve_app
from tests.integration.command_plans import Context, Placeholders, plan, run_process, run_server, run_to_end
from tests.integration.documented_commands import DocumentedCommand, commands_in_markdown, expand

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "examples").glob("*/README.md"))]
EXAMPLE_URLS = ("http://prometheus:9090", "http://grafana:3000")
GRAFANA_TOKEN_FILE = "grafana-token"

# Documented commands that are not run here, by their words (comments and quotes dropped).
NOT_RUN = {
    "make test": "runs the whole test suite, this test included",
    "make demo": "wraps `servescale demo`, run here from the README's own `servescale demo`; make "
    "would first reinstall the virtualenv these tests run in whenever pyproject.toml or "
    "constraints.txt is newer than it",
    "servescale serve": "prose naming the command; the serve synopsis under 'The metrics API server' "
    "and the local-use line run",
    "servescale recommend --prometheus-url U --namespace N --deployment D --metric M "
    "--latency-threshold-ms T": "needs an hour of history (the defaults --from now-1h, --step 15s and a "
    "1m rate window) in which per-pod load rose past the point where latency grows; "
    "tests/integration/test_recommend_e2e.py runs recommend on such a sweep with --rate-window 5s",
    "servescale deploy render": "prose naming the command; the full `deploy render` line below it runs",
    "make image": "builds the container image with buildah for minutes; tests/integration/test_image.py "
    "checks the image",
    "kubectl apply -f manifests/": "needs a kube-apiserver; tests/integration/test_deploy_readme.py "
    "validates every object `deploy render` writes",
    "kubectl get apiservice v1beta2.custom.metrics.k8s.io v1beta1.external.metrics.k8s.io": "APIServices "
    "live in a kube-apiserver, and there is none here",
    "kubectl get --raw /apis/custom.metrics.k8s.io/v1beta2": "asks a cluster's aggregator; "
    "tests/integration/test_deploy_readme.py sends the path with kubectl to a real servescale serve",
    "kubectl get --raw /apis/custom.metrics.k8s.io/v1beta2/namespaces/ml/deployments.apps/llama/"
    "istio_requests_per_second": "asks a cluster's aggregator; tests/integration/test_deploy_readme.py "
    "sends the path with kubectl to a real servescale serve",
}

# Optional groups of a synopsis left out of its run, by their text inside the brackets.
EXCLUDED_GROUPS = {
    "--secure-port 6443 --cert-dir DIR | --tls-cert-file F --tls-private-key-file K": "the secure port "
    "authenticates every request by TokenReview and SubjectAccessReview, which needs a cluster; "
    "tests/integration/test_serve_secure.py runs it against a fake kube-apiserver",
}


# What a placeholder stands for, by (command, option): the longest command prefix with an entry
# wins ("hpa" covers "hpa step" and "hpa explain", "*" any command); option "" is a positional
# argument. A placeholder is an all-capitals word (FILE, F, DIR, URL, U, T) or one of EXAMPLE_URLS;
# one without an entry fails the test. Paths are relative to the work directory, where `examples`
# links to the repository's.
PLACEHOLDERS: Placeholders = {
    ("*", "--prometheus-url"): lambda c: c.prometheus_url,  # the real Prometheus scraping the sandbox
    ("*", "--slos"): lambda c: "examples/slos/llama.yaml",
    ("*", "--hpa"): lambda c: "examples/hpa/llama-hpa.yaml",
    ("*", "--from"): lambda c: str(int(c.now) - 120),  # the last two minutes of the sandbox's history
    ("*", "--to"): lambda c: str(int(c.now)),
    ("*", "--at"): lambda c: str(int(c.now)),
    ("serve", "--config"): lambda c: "examples/config/servescale.yaml",
    ("sandbox", "--scenario"): lambda c: "examples/scenarios/default.yaml",
    ("simulate", "--scenario"): lambda c: "examples/scenarios/llama-spike.yaml",
    ("hpa", "--input"): lambda c: "examples/hpa/llm-gateway-step.json",  # "-": this file on stdin
    ("manifests hpa", "--config"): lambda c: "examples/hpa/autoscaling.yaml",
    ("slo report", "--out"): lambda c: "slo-report.html",
    ("alerts render", "--out"): lambda c: "alerts-out",
    ("alerts test", ""): lambda c: "alerts-out",  # what `alerts render --out DIR` wrote before it
    ("metrics explain", ""): lambda c: "istio_requests_per_second",
    ("metrics explain", "--namespace"): lambda c: "ml",  # the sandbox's namespace
    ("dashboards export", "--out"): lambda c: "dashboards-out",
    ("dashboards preview", "--out"): lambda c: "dashboard-previews",
    ("dashboards push", "--grafana-url"): lambda c: c.grafana_url,  # tests/fakes/grafana_api.py
    ("dashboards push", "--token-file"): lambda c: GRAFANA_TOKEN_FILE,  # that fake's admin token
    ("dashboards push", "--folder"): lambda c: "ServeScale",
}


def planned(variant: tuple[str, ...], context: Context) -> Any:
    return plan(variant, context, placeholders=PLACEHOLDERS, example_urls=EXAMPLE_URLS)


def documented_commands() -> list[DocumentedCommand]:
    return [
        command
        for document in DOCUMENTS
        for command in commands_in_markdown(
            document.read_text(encoding="utf-8"), path=str(document.relative_to(ROOT))
        )
    ]


def _variants(command: DocumentedCommand) -> tuple[tuple[str, ...], ...]:
    try:
        return expand(command.text, excluded=EXCLUDED_GROUPS).variants
    except ValueError:
        return ()  # reported by test_every_documented_command_is_run_or_listed


def _runs(commands: list[DocumentedCommand]) -> list[Any]:
    """One test per distinct argument list (a command the docs show twice runs once), in order."""
    runs: dict[tuple[str, ...], Any] = {}
    for command in commands:
        if command.key in NOT_RUN:
            continue
        for variant in _variants(command):
            runs.setdefault(
                variant, pytest.param(command, variant, id=f"{command.where} {' '.join(variant[1:])}")
            )
    return list(runs.values())


COMMANDS = documented_commands()
RUNS = _runs(COMMANDS)


def test_every_documented_command_is_run_or_listed(tmp_path: Path) -> None:
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    context = Context("http://127.0.0.1:9", "http://127.0.0.1:9", workdir=tmp_path, now=time.time())
    problems, groups = [], set()
    for command in COMMANDS:
        if command.key in NOT_RUN:
            continue
        try:
            synopsis = expand(command.text, excluded=EXCLUDED_GROUPS)
            groups.update(synopsis.groups)
            for variant in synopsis.variants:
                planned(variant, context)
        except ValueError as exc:
            problems.append(f"{command.where} `{command.text}`: {exc}")
    assert not problems, "documented commands neither run nor in NOT_RUN:\n" + "\n".join(problems)
    documented = {command.key for command in COMMANDS}
    assert not set(NOT_RUN) - documented, "NOT_RUN lists commands no document shows"
    assert not set(EXCLUDED_GROUPS) - groups, "EXCLUDED_GROUPS lists groups no run command has"
    assert {run.values[0].key for run in RUNS} == documented - set(NOT_RUN)


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    """A work directory (``examples`` linked in), the sandbox's Prometheus and a fake Grafana."""
    workdir = tmp_path_factory.mktemp("documented")
    (workdir / "examples").symlink_to(ROOT / "examples")
    (workdir / GRAFANA_TOKEN_FILE).write_text(ADMIN_TOKEN)
    with running_stack() as stack, serve_app(FakeGrafana().app) as grafana_url:
        yield Context(stack.prometheus.url, grafana_url, workdir=workdir, now=time.time())


@pytest.mark.integration
@pytest.mark.long(seconds=90)
@pytest.mark.parametrize(("command", "variant"), RUNS)
def test_documented_command_runs(
    command: DocumentedCommand,
    variant: tuple[str, ...],
    context: Context,
) -> None:
    invocation = planned(
        variant, Context(context.prometheus_url, context.grafana_url, context.workdir, time.time())
    )
    if invocation.probes:
        code, output = run_server(
            invocation, context.workdir, context.workdir / f"server-{time.time_ns()}.log"
        )
    elif invocation.demo:
        code, output = run_process(invocation, context.workdir)
    else:
        code, output = run_to_end(invocation, context.workdir)
    shown = " ".join(variant[1:])
    assert code == 0, f"{command.where}: `servescale {shown}` exited {code}:\n{output}"
    assert "Traceback" not in output, f"{command.where}: `servescale {shown}`:\n{output}"
    if invocation.demo:
        assert "Prometheus figures" in output, output

"""README "Install in a cluster": every command it shows is run here, or listed with the reason.

The section's shell blocks and its inline ``kubectl apply -k`` spans are parsed at test time:
``servescale deploy render`` runs as written (``--out`` into a temporary directory);
``kubectl apply -f DIR`` checks that DIR holds what the render wrote, every object valid;
``kubectl apply -k DIR`` runs ``kubectl kustomize DIR``; ``kubectl get --raw PATH`` runs against a
real ``servescale serve`` on the sandbox's Prometheus (kubectl talking to it with ``--server``).
Commands that need a kube-apiserver or build the image are in NOT_RUN with the reason; any other
command fails the test, so the README cannot show a command nobody ran.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from servescale.demo.stack import DemoStack
from servescale.stack.adapter import running_adapter
from tests.integration.deploy_objects import validate_object

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## Install in a cluster"
NOT_RUN = {
    "make image": "builds the image with buildah for minutes, then runs tests/integration/test_image.py",
    "kubectl get apiservice": "APIServices live in a kube-apiserver, and there is none here",
}


def section_text() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    return text[start : end if end != -1 else len(text)]


def documented_commands() -> list[list[str]]:
    """Shell-block lines (comments dropped) and inline ``kubectl apply -k`` spans, in order."""
    commands, in_block = [], False
    for line in section_text().splitlines():
        if line.startswith("```"):
            in_block = line.strip() in ("```sh", "```bash", "```shell") if not in_block else False
            continue
        if in_block and line.strip():
            commands.append(shlex.split(line, comments=True))
        elif not in_block:
            commands.extend(shlex.split(span) for span in re.findall(r"`(kubectl apply -k [^`]+)`", line))
    return commands


def not_run_reason(words: list[str]) -> str | None:
    text = " ".join(words)
    return next((reason for prefix, reason in NOT_RUN.items() if text.startswith(prefix)), None)


@pytest.fixture(scope="module")
def adapter(stack: DemoStack) -> Iterator[str]:
    with running_adapter(
        stack.prometheus.url, extra=[f"--config={ROOT / 'examples/config/servescale.yaml'}"]
    ) as server:
        yield server.url


def test_the_section_shows_render_apply_and_checks() -> None:
    commands = [" ".join(words) for words in documented_commands()]
    assert any(c.startswith("servescale deploy render") for c in commands)
    assert any(c.startswith("kubectl apply -f") for c in commands)
    assert any(c.startswith("kubectl get --raw /apis/custom.metrics.k8s.io/v1beta2") for c in commands)
    for symptom in ("FailedDiscoveryCheck", "401", "403", "no metrics returned from custom metrics API"):
        assert symptom in section_text(), symptom


def test_every_command_runs_as_documented(tmp_path: Path, adapter: str) -> None:
    rendered: dict[str, Path] = {}
    ran = 0
    for words in documented_commands():
        if not_run_reason(words):
            continue
        command = " ".join(words)
        if words[:3] == ["servescale", "deploy", "render"]:
            out = words[words.index("--out") + 1]
            rendered[out] = tmp_path / out
            args = [sys.executable, "-m", "servescale", *words[1:]]
            args[args.index("--out") + 1] = str(rendered[out])
            run = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)
        elif words[:3] == ["kubectl", "apply", "-f"]:
            assert words[3] in rendered, f"{command}: nothing rendered into {words[3]} before"
            files = sorted(rendered[words[3]].glob("*.yaml"))
            objects = [yaml.safe_load(path.read_text()) for path in files]
            assert objects[0]["kind"] == "Namespace", command
            for obj in objects:
                validate_object(obj)
            ran += 1
            continue
        elif words[:3] == ["kubectl", "apply", "-k"]:
            run = subprocess.run(
                ["kubectl", "kustomize", words[3]], cwd=ROOT, capture_output=True, text=True, check=False
            )
        elif words[:3] == ["kubectl", "get", "--raw"]:
            run = subprocess.run([*words, f"--server={adapter}"], capture_output=True, text=True, check=False)
            if run.returncode == 0:
                assert yaml.safe_load(run.stdout)["kind"] in ("APIResourceList", "MetricValueList"), command
        else:
            pytest.fail(f"README shows a command this test neither runs nor lists in NOT_RUN: {command}")
        assert run.returncode == 0, f"{command}\n{run.stdout}\n{run.stderr}"
        ran += 1
    assert ran >= 5

"""``servescale serve --prometheus-url URL --insecure-port 8443``, the README's local use, end to end.

No cluster, no ``--kube-api-url``, no ``--secure-port``: the real process serves the metrics API on
the loopback insecure port, builds its pod cache from kube-state-metrics in a real Prometheus that
scrapes the sandbox, keeps its health port on loopback, and stops cleanly on Ctrl-C. The README's
port 8443 becomes a free loopback port and the health port (8080 by default) is given one too, so
a busy port on the machine cannot fail the test; no other flag is added. A secure port asked for
without the Kubernetes API it needs is refused with the flags that fix it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from metrics_adapter.kube.quantity import parse_quantity
from servescale.demo.stack import DemoStack
from servescale.stack.ports import free_port

pytestmark = pytest.mark.integration

SERVESCALE = Path(sys.executable).with_name("servescale")
DISCOVERY = "/apis/custom.metrics.k8s.io/v1beta2"
LLAMA_RPS = "/apis/custom.metrics.k8s.io/v1beta2/namespaces/ml/pods/*/istio_requests_per_second"
LOOPBACK_HEX = "0100007F"  # 127.0.0.1 as /proc/net/tcp shows it
LISTEN_STATE = "0A"


def listening_addresses(port: int) -> set[str]:
    """The local IPv4 addresses (hex, as in /proc/net/tcp) listening on ``port``."""
    addresses = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        address, port_hex = fields[1].split(":")
        if int(port_hex, 16) == port and fields[3] == LISTEN_STATE:
            addresses.add(address)
    return addresses


def wait_for(
    url: str, process: subprocess.Popen[bytes], log: Path, *, timeout: float = 30.0
) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            pytest.fail(f"serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            response = httpx.get(url, timeout=2)
            if response.status_code == 200:
                return response
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"{url} not answering 200 after {timeout:.0f} s:\n{log.read_text()}")
        time.sleep(0.2)


@pytest.fixture
def local_serve(stack: DemoStack, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, int, Path]]:
    port, health = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUBERNETES_")}
    args = [str(SERVESCALE), "serve", "--prometheus-url", stack.prometheus.url, "--insecure-port", str(port)]
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*args, "--health-port", str(health)], cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        yield process, port, health, log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_readme_local_invocation_serves_the_metrics_api(
    local_serve: tuple[subprocess.Popen[bytes], int, int, Path],
) -> None:
    process, port, health, log = local_serve
    discovery = wait_for(f"http://127.0.0.1:{port}{DISCOVERY}", process, log).json()
    assert discovery["kind"] == "APIResourceList"
    assert discovery["groupVersion"] == "custom.metrics.k8s.io/v1beta2"
    assert "pods/istio_requests_per_second" in {resource["name"] for resource in discovery["resources"]}

    # Pods matched by label selector: the pod cache was filled from kube-state-metrics, unasked.
    wait_for(f"http://127.0.0.1:{health}/readyz", process, log)
    deadline = time.monotonic() + 30
    while True:
        answer = httpx.get(
            f"http://127.0.0.1:{port}{LLAMA_RPS}", params={"labelSelector": "app=llama"}, timeout=5
        )
        if answer.status_code == 200 and answer.json()["items"]:
            break
        assert time.monotonic() < deadline, f"no llama pods answered: {answer.status_code} {answer.text}"
        time.sleep(0.5)
    items = answer.json()["items"]
    assert {item["describedObject"]["name"].startswith("llama-") for item in items} == {True}
    assert all(parse_quantity(item["value"]) > 0 for item in items)

    assert listening_addresses(port) == {LOOPBACK_HEX}
    assert listening_addresses(health) == {LOOPBACK_HEX}

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 0
    output = log.read_text()
    assert "Traceback" not in output
    # No secure port among what it served, and the pod cache source it chose.
    assert (
        f"pod cache from kube-state-metrics in Prometheus; serving 127.0.0.1:{port}, 127.0.0.1:{health}\n"
        in output
    )


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        pytest.param(
            ["--secure-port", "6443"],
            ["--secure-port 6443", "--kube-api-url", "--insecure-port"],
            id="secure-port",
        ),
        pytest.param(
            ["--secure-port", "6443", "--insecure-port", "8443"],
            ["--kube-api-url", "no --secure-port"],
            id="both-ports",
        ),
    ],
)
def test_secure_port_without_kubernetes_api_is_refused_naming_the_fix(
    extra: list[str], named: list[str], tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUBERNETES_")}
    done = subprocess.run(
        [str(SERVESCALE), "serve", "--prometheus-url", "http://127.0.0.1:9", *extra],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: "), done.stderr
    for text in named:
        assert text in lines[0]

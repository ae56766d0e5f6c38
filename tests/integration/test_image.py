"""The built image (``make image``): ``servescale --version`` and ``servescale serve`` run inside it.

Runs when ``SERVESCALE_IMAGE_TEST=1`` (``make image`` sets it after building); ``make test`` skips it
with that reason, and tests/unit/deploy/test_dockerfile.py checks the Dockerfile on every run.
The container runs with buildah (vfs storage, chroot isolation, the host's network) as the image's
own user. ``serve`` answers the sandbox's data, read from a real Prometheus, through the metrics
API; afterwards nothing in the container's root filesystem outside /tmp has changed, so a
read-only root filesystem is enough.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from metrics_adapter.kube import parse_quantity
from servescale.demo.stack import DemoStack
from servescale.stack.ports import free_port

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        os.environ.get("SERVESCALE_IMAGE_TEST") != "1",
        reason="image test: run by `make image` after the build",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
IMAGE = os.environ.get("SERVESCALE_IMAGE", f"localhost/servescale:{VERSION}")
ENV = {**os.environ, "STORAGE_DRIVER": "vfs", "BUILDAH_ISOLATION": "chroot"}
WRITABLE = {"tmp", "proc", "sys", "dev", "run"}


def buildah(*args: str) -> str:
    run = subprocess.run(["buildah", *args], capture_output=True, text=True, env=ENV, check=False)
    assert run.returncode == 0, f"buildah {' '.join(args)}: {run.stderr}"
    return run.stdout.strip()


@pytest.fixture(scope="module")
def container() -> Iterator[str]:
    name = buildah("from", "--pull=never", IMAGE)
    try:
        yield name
    finally:
        buildah("rm", name)


def snapshot(root: Path) -> dict[str, float]:
    """Modification times of everything outside the writable mounts."""
    times = {}
    for top in root.iterdir():
        if top.name in WRITABLE:
            continue
        for path in [top, *top.rglob("*")] if top.is_dir() and not top.is_symlink() else [top]:
            times[str(path.relative_to(root))] = path.lstat().st_mtime
    return times


def test_version_runs_as_the_images_non_root_user(container: str) -> None:
    assert buildah("run", container, "--", "servescale", "--version") == f"servescale {VERSION}"
    assert buildah("run", container, "--", "id", "-u") == "65532"
    config = buildah("inspect", "--type", "image", "--format", "{{.OCIv1.Config.Entrypoint}}", IMAGE)
    assert config == "[/opt/servescale/bin/servescale]"


def test_serve_answers_the_sandbox_through_prometheus(container: str, stack: DemoStack) -> None:
    root = Path(buildah("mount", container))
    before = snapshot(root)
    port, health = free_port(), free_port()
    command = [
        "buildah",
        "run",
        container,
        "--",
        "servescale",
        "serve",
        f"--prometheus-url={stack.prometheus.url}",
        "--secure-port=0",
        f"--insecure-port={port}",
        f"--health-port={health}",
        "--pods-from-prometheus",
        "--log-level=warning",
    ]
    process = subprocess.Popen(
        command, env=ENV, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if httpx.get(f"http://127.0.0.1:{health}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            raise AssertionError(f"serve in the image not ready (exit {process.poll()})")
        url = f"http://127.0.0.1:{port}/apis/custom.metrics.k8s.io/v1beta2/namespaces/ml"
        body = httpx.get(f"{url}/deployments.apps/llama/istio_requests_per_second", timeout=10).json()
        assert body["kind"] == "MetricValueList"
        assert body["items"], body
        assert parse_quantity(body["items"][0]["value"]) > 0
        metrics = httpx.get(f"http://127.0.0.1:{health}/metrics", timeout=10).text
        assert "servescale_adapter_requests_total" in metrics
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output = process.communicate(timeout=30)[0].decode(errors="replace")
    assert "Traceback" not in output, output
    after = snapshot(root)
    changed = sorted(p for p in after if before.get(p) != after[p])
    assert changed == [], f"written outside /tmp: {changed[:20]}"

"""``servescale serve`` as a real process on loopback ports, for integration tests, benches and the demo.

Insecure port only (loopback), pod cache from Prometheus; ready when ``/readyz`` says so.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from servescale.stack.ports import free_port


@dataclass
class AdapterProcess:
    """A running ``servescale serve``: its metrics API and health URLs."""

    url: str
    health_url: str
    process: subprocess.Popen[bytes]


@contextmanager
def running_adapter(
    prometheus_url: str,
    *,
    extra: Sequence[str] = (),
    log: Path | None = None,
    port: int | None = None,
    health_port: int | None = None,
    pods_from_prometheus: bool = True,
    ready_timeout: float = 30.0,
) -> Iterator[AdapterProcess]:
    """``servescale serve`` until the block ends; ``port``/``health_port`` fixed for a restart test."""
    port = port or free_port()
    health = health_port or free_port()
    args = [
        sys.executable,
        "-m",
        "servescale",
        "serve",
        f"--prometheus-url={prometheus_url}",
        "--secure-port=0",
        f"--insecure-port={port}",
        f"--health-port={health}",
        "--health-bind-address=127.0.0.1",
        "--pods-from-prometheus" if pods_from_prometheus else "--no-pods-from-prometheus",
        "--log-level=warning",
        *extra,
    ]
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env={**os.environ})
    try:
        deadline = time.monotonic() + ready_timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"servescale serve exited with {process.returncode}")
            try:
                if httpx.get(f"http://127.0.0.1:{health}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"servescale serve not ready after {ready_timeout:.0f} s")
            time.sleep(0.2)
        yield AdapterProcess(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{health}", process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()

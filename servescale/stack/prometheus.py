"""A real Prometheus process on a free loopback port, for tests and the demo.

Generates a configuration that scrapes the given targets at a short interval, starts the
``prometheus`` binary (Debian's package) with its own temporary TSDB, waits for ``/-/ready``
and stops it cleanly. It knows nothing about what the targets serve.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import yaml

from servescale.stack.ports import free_port


class StackError(RuntimeError):
    """A local Prometheus or Alertmanager could not be started or did not behave."""


@dataclass(frozen=True)
class ScrapeTarget:
    """One static scrape job. ``honor_labels`` keeps the target's own ``pod``/``namespace``."""

    job: str
    address: str
    metrics_path: str = "/metrics"
    honor_labels: bool = True
    scrape_interval: str | None = None


@dataclass
class PrometheusServer:
    """Runs ``prometheus`` until :meth:`stop`; usable as a context manager.

    ``url`` is only meaningful after :meth:`start`. The process's output goes to
    ``<workdir>/prometheus.log``, quoted in the error when start-up fails.
    """

    targets: Sequence[ScrapeTarget] = ()
    scrape_interval: str = "1s"
    evaluation_interval: str = "1s"
    rule_files: Sequence[Path] = ()
    alertmanager_urls: Sequence[str] = ()
    binary: str = "prometheus"
    host: str = "127.0.0.1"
    port: int | None = None
    extra_args: Sequence[str] = ()
    workdir: Path | None = None
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _own_workdir: bool = field(default=False, init=False, repr=False)

    @property
    def url(self) -> str:
        if self.port is None:
            raise StackError("Prometheus has not been started")
        return f"http://{self.host}:{self.port}"

    def config(self) -> dict[str, Any]:
        """The prometheus.yml document this server runs with."""
        scrape_configs = []
        for target in self.targets:
            job: dict[str, Any] = {
                "job_name": target.job,
                "metrics_path": target.metrics_path,
                "honor_labels": target.honor_labels,
                "static_configs": [{"targets": [target.address]}],
            }
            if target.scrape_interval:
                job["scrape_interval"] = target.scrape_interval
            scrape_configs.append(job)
        document: dict[str, Any] = {
            "global": {
                "scrape_interval": self.scrape_interval,
                "scrape_timeout": self.scrape_interval,
                "evaluation_interval": self.evaluation_interval,
            },
            "scrape_configs": scrape_configs,
        }
        if self.rule_files:
            document["rule_files"] = [str(Path(p).resolve()) for p in self.rule_files]
        if self.alertmanager_urls:
            document["alerting"] = {
                "alertmanagers": [
                    {"static_configs": [{"targets": [u.split("://", 1)[-1] for u in self.alertmanager_urls]}]}
                ]
            }
        return document

    def start(self, *, timeout: float = 30.0) -> PrometheusServer:
        if self._process is not None:
            raise StackError("Prometheus is already running")
        if shutil.which(self.binary) is None:
            raise StackError(f"{self.binary!r} is not on PATH: run `make tools` to install Prometheus")
        if self.workdir is None:
            self.workdir = Path(tempfile.mkdtemp(prefix="servescale-prometheus-"))
            self._own_workdir = True
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.port is None:
            self.port = free_port(self.host)
        config_path = self.workdir / "prometheus.yml"
        config_path.write_text(yaml.safe_dump(self.config(), sort_keys=False))
        log = (self.workdir / "prometheus.log").open("wb")
        args = [
            self.binary,
            f"--config.file={config_path}",
            f"--storage.tsdb.path={self.workdir / 'data'}",
            f"--web.listen-address={self.host}:{self.port}",
            "--web.enable-lifecycle",
            "--log.level=warn",
            *self.extra_args,
        ]
        self._process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                code, tail = self._process.returncode, self.log_tail()
                self.stop()
                raise StackError(f"prometheus exited with {code}:\n{tail}")
            try:
                if httpx.get(f"{self.url}/-/ready", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        tail = self.log_tail()
        self.stop()
        raise StackError(f"prometheus not ready after {timeout:.0f}s:\n{tail}")

    def log_tail(self, lines: int = 30) -> str:
        if self.workdir is None:
            return ""
        path = self.workdir / "prometheus.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def reload(self) -> None:
        """Re-read configuration and rule files (``/-/reload``)."""
        httpx.post(f"{self.url}/-/reload", timeout=10.0).raise_for_status()

    def wait_for_targets_up(self, *, timeout: float = 30.0) -> None:
        """Block until every configured job has been scraped successfully once."""
        jobs = {t.job for t in self.targets}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            body = httpx.get(f"{self.url}/api/v1/targets", timeout=5.0).json()
            up = {t["labels"]["job"] for t in body["data"]["activeTargets"] if t.get("health") == "up"}
            if jobs <= up:
                return
            time.sleep(0.2)
        raise StackError(f"targets {sorted(jobs)} not up after {timeout:.0f}s")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        if self._own_workdir and self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None
            self._own_workdir = False

    def __enter__(self) -> PrometheusServer:
        return self.start() if self._process is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

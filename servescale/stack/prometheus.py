"""A real Prometheus process on a free loopback port, for tests and the demo.

Generates a configuration that scrapes the given targets at a short interval, starts the
``prometheus`` binary (Debian's package) with its own temporary TSDB, waits for ``/-/ready``
and stops it cleanly. It knows nothing about what the targets serve.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from servescale.stack.process import LocalServer, StackError

__all__ = ["PrometheusServer", "ScrapeTarget", "StackError"]


@dataclass(frozen=True)
class ScrapeTarget:
    """One static scrape job. ``honor_labels`` keeps the target's own ``pod``/``namespace``."""

    job: str
    address: str
    metrics_path: str = "/metrics"
    honor_labels: bool = True
    scrape_interval: str | None = None


@dataclass
class PrometheusServer(LocalServer):
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
    name: str = "prometheus"
    host: str = "127.0.0.1"
    port: int | None = None
    extra_args: Sequence[str] = ()
    workdir: Path | None = None
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _own_workdir: bool = field(default=False, init=False, repr=False)

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

    def arguments(self) -> list[str]:
        assert self.workdir is not None
        config_path = self.workdir / "prometheus.yml"
        config_path.write_text(yaml.safe_dump(self.config(), sort_keys=False))
        return [
            self.binary,
            f"--config.file={config_path}",
            f"--storage.tsdb.path={self.workdir / 'data'}",
            f"--web.listen-address={self.host}:{self.port}",
            "--web.enable-lifecycle",
            "--log.level=warn",
            *self.extra_args,
        ]

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

"""A real single-node VictoriaMetrics on a free loopback port: a second Prometheus-compatible backend.

Runs Debian's ``victoria-metrics`` binary with its built-in scraper (``-promscrape.config``, the
same scrape configuration :class:`PrometheusServer` writes) and its own temporary storage, and
waits for ``/-/ready``. Where it differs from Prometheus, and what the flags below do about it:

* ``-search.latencyOffset``: VictoriaMetrics hides samples newer than this (30 s by default) from
  queries, so a freshly scraped value is invisible for half a minute; set to 1 s here, so the
  served values are as fresh as Prometheus's. A deployment should keep it below the HPA's 15 s.
* ``-search.cacheTimestampOffset``/``-search.disableCache``: its rollup-result cache may answer
  a repeated query from results computed earlier; off here so each query reads storage.
* MetricsQL ``rate`` does not extrapolate to the window's edges and takes the sample before the
  window into account, so per-pod rates differ from Prometheus's by a few per cent over a 1m window
  (``test_backends_agree_on_per_pod_rates`` bounds it at 10 %).
* ``timestamp()`` returns the raw sample time, as in Prometheus, so the adapter's gauge staleness
  check (``maxStalenessSeconds``) works unchanged; instant-query timestamps are whole seconds.
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
from servescale.stack.prometheus import PrometheusServer, ScrapeTarget

__all__ = ["VictoriaMetricsServer"]


@dataclass
class VictoriaMetricsServer(LocalServer):
    """Runs ``victoria-metrics`` until :meth:`stop`; usable as a context manager."""

    targets: Sequence[ScrapeTarget] = ()
    scrape_interval: str = "1s"
    binary: str = "victoria-metrics"
    name: str = "victoriametrics"
    host: str = "127.0.0.1"
    port: int | None = None
    extra_args: Sequence[str] = ()
    workdir: Path | None = None
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _own_workdir: bool = field(default=False, init=False, repr=False)

    def config(self) -> dict[str, Any]:
        """The scrape configuration: the same document Prometheus would get for these targets."""
        document = PrometheusServer(targets=self.targets, scrape_interval=self.scrape_interval).config()
        document["global"].pop("evaluation_interval", None)
        return document

    def arguments(self) -> list[str]:
        assert self.workdir is not None
        config_path = self.workdir / "scrape.yml"
        config_path.write_text(yaml.safe_dump(self.config(), sort_keys=False))
        return [
            self.binary,
            f"-storageDataPath={self.workdir / 'data'}",
            f"-httpListenAddr={self.host}:{self.port}",
            f"-promscrape.config={config_path}",
            "-search.latencyOffset=1s",
            "-search.disableCache",
            "-loggerLevel=WARN",
            *self.extra_args,
        ]

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

"""Adapter memory against the number of series in Prometheus: the same 1,000 pods with 10k, 100k
and 1M series in total.

The pods' own series (Istio counters, GPU utilisation, queue depth, kube-state-metrics) are
scraped live; the rest, up to the total, are other metric names in other namespaces, backfilled
with ``promtool tsdb create-blocks-from openmetrics``. For each total, a fresh Prometheus and a
fresh ``servescale serve`` answer the 200 HPAs' request mix for ``--duration`` seconds; the
adapter's RSS is read before and after. The adapter never lists series, so its memory should not
follow the total. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from fleet_load import wait_for_rates
from fleetsim.backfill import create_blocks, write_openmetrics
from fleetsim.exporter import LiveExporter
from fleetsim.load import LoadGenerator
from fleetsim.model import Fleet, hpa_paths
from fleetsim.procstat import rss_mib

from servescale.stack.adapter import running_adapter
from servescale.stack.ports import free_port
from servescale.stack.prometheus import PrometheusServer, ScrapeTarget

TOTALS = (10_000, 100_000, 1_000_000)


def measure(fleet: Fleet, exporter_address: str, live: int, total: int, *, duration: float) -> None:
    with tempfile.TemporaryDirectory(prefix="servescale-memory-") as tmp, ExitStack() as stack:
        work = Path(tmp)
        started = time.monotonic()
        filler = max(0, total - live)
        write_openmetrics(work / "filler.om", Fleet(namespaces=0), filler=filler)
        create_blocks(work / "filler.om", work / "data")
        (work / "filler.om").unlink()
        prepared = time.monotonic() - started
        prometheus = PrometheusServer(
            targets=[ScrapeTarget("fleet", exporter_address, scrape_interval="15s")],
            scrape_interval="15s",
            workdir=work,
        )
        stack.enter_context(prometheus)
        prometheus.wait_for_targets_up(timeout=120)
        wait_for_rates(prometheus.url, fleet.pods)
        adapter = stack.enter_context(running_adapter(prometheus.url, ready_timeout=120))
        pid = adapter.process.pid
        before = rss_mib(pid)
        generator = LoadGenerator([adapter.url], hpa_paths(fleet))
        asyncio.run(generator.run(duration))
        after = rss_mib(pid)
        codes = " ".join(f"{c}:{n}" for c, n in sorted(generator.total.codes.items()))
        print(
            f"{live + filler:>9,} series ({filler:,} backfilled in {prepared:.0f} s): adapter RSS "
            f"{before:6.1f} MiB at ready, {after:6.1f} MiB after {generator.total.count} requests ({codes})",
            flush=True,
        )
        shutil.rmtree(work / "data", ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of HPA requests per total")
    parser.add_argument("--totals", default=",".join(str(t) for t in TOTALS))
    args = parser.parse_args()
    fleet = Fleet(namespaces=20)
    exporter = LiveExporter(fleet, free_port())
    live = exporter.series(fleet)
    print(f"{fleet.pods} pods, {fleet.hpas} HPAs every 15 s; {live} live series", flush=True)
    with exporter as address:
        for total in (int(t) for t in args.totals.split(",")):
            measure(fleet, address, live, total, duration=args.duration)


if __name__ == "__main__":
    main()

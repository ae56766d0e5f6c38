"""Sustained load on the metrics API from 2,000 HPAs over a 10,000-pod fleet in a real Prometheus.

The fleet: 200 namespaces x 10 Deployments x 5 pods. About 320,000 of its series (Istio latency
histograms, more Istio counters, DCGM and vLLM gauges) are backfilled with ``promtool tsdb
create-blocks-from openmetrics``; the 70,000 the HPAs read (Istio request counters, GPU
utilisation, queue depth, kube-state-metrics pod series, RabbitMQ queues) are scraped live every
15 s from an exporter process. ``servescale serve`` (1, then 2 processes) keeps its pod cache from
kube-state-metrics, and a bounded open-loop generator replays the HPAs' requests at their 15 s
cadence (pods, object and external metrics; v1beta1 and v1beta2; label selectors).

Prints every 30 s and at the end: achieved req/s, p50/p99/max latency, answers by code,
Prometheus queries/s (the coalescing at work), each adapter's RSS, CPU seconds per 1,000
requests. Asserts nothing. ``--duration`` sets the load time per worker count (default 10 min).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import httpx
from fleetsim.backfill import create_blocks, write_openmetrics
from fleetsim.exporter import LiveExporter
from fleetsim.load import LoadGenerator, Window
from fleetsim.model import Fleet, hpa_paths
from fleetsim.procstat import cpu_seconds, rss_mib

from servescale.stack.adapter import AdapterProcess, running_adapter
from servescale.stack.ports import free_port
from servescale.stack.prometheus import PrometheusServer, ScrapeTarget


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def rss_slope(series: list[tuple[float, float]]) -> float:
    """MiB per minute of a least-squares line through (seconds, MiB) points; NaN for fewer than 3."""
    if len(series) < 3:
        return float("nan")
    return statistics.linear_regression(*zip(*series, strict=True)).slope * 60


def prometheus_queries(url: str) -> float:
    text = httpx.get(f"{url}/metrics", timeout=10).text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("prometheus_http_requests_total{") and 'handler="/api/v1/query"' in line
    )


def query_time(adapters: list[AdapterProcess]) -> tuple[float, float]:
    """(seconds spent in Prometheus queries, queries) summed over the adapters, from their metrics."""
    total = count = 0.0
    for adapter in adapters:
        for line in httpx.get(f"{adapter.health_url}/metrics", timeout=10).text.splitlines():
            if line.startswith("servescale_adapter_prometheus_query_duration_seconds_sum"):
                total += float(line.rsplit(" ", 1)[1])
            elif line.startswith("servescale_adapter_prometheus_query_duration_seconds_count"):
                count += float(line.rsplit(" ", 1)[1])
    return total, count


def describe(window: Window, seconds: float) -> str:
    ms = [x * 1000 for x in window.latencies]
    codes = " ".join(f"{code}:{n}" for code, n in sorted(window.codes.items()))
    skipped = f" skipped(in-flight cap):{window.skipped}" if window.skipped else ""
    return (
        f"{window.count / seconds:6.1f} req/s  p50 {percentile(ms, 0.5):6.1f} ms"
        f"  p99 {percentile(ms, 0.99):6.1f} ms  max {max(ms, default=float('nan')):7.1f} ms"
        f"  codes {codes}{skipped}"
    )


async def drive(
    adapters: list[AdapterProcess],
    paths: list[str],
    prometheus: str,
    *,
    prometheus_pid: int,
    duration: float,
    every: float,
) -> None:
    generator = LoadGenerator([a.url for a in adapters], paths)
    pids = [a.process.pid for a in adapters]
    cpu0 = sum(cpu_seconds(p) for p in pids)
    prometheus_cpu0, own_cpu0 = cpu_seconds(prometheus_pid), time.process_time()
    queries0 = prometheus_queries(prometheus)
    started = time.monotonic()
    load = asyncio.create_task(generator.run(duration))
    rss_series: list[tuple[float, float]] = []
    last_q, last_t = queries0, started
    last_spent, last_count = query_time(adapters)
    while not load.done():
        await asyncio.wait({load}, timeout=every)
        now = time.monotonic()
        window = generator.roll()
        queries = prometheus_queries(prometheus)
        rss = [rss_mib(p) for p in pids]
        rss_series.append((now - started, sum(rss)))
        spent, count = query_time(adapters)
        mean_query = (spent - last_spent) / max(count - last_count, 1) * 1000
        last_spent, last_count = spent, count
        print(
            f"  t={now - started:5.0f}s  {describe(window, now - last_t)}"
            f"  Prometheus {(queries - last_q) / (now - last_t):5.1f} q/s, {mean_query:5.1f} ms mean"
            f"  RSS {' + '.join(f'{r:.0f}' for r in rss)} MiB",
            flush=True,
        )
        last_q, last_t = queries, now
    elapsed = time.monotonic() - started
    total = generator.total
    cpu = sum(cpu_seconds(p) for p in pids) - cpu0
    prometheus_cpu = cpu_seconds(prometheus_pid) - prometheus_cpu0
    own_cpu = time.process_time() - own_cpu0
    queries = prometheus_queries(prometheus) - queries0
    slope = rss_slope(rss_series)
    settled = rss_slope([(t, rss) for t, rss in rss_series if t >= elapsed / 2])
    print(f"  total  {describe(total, elapsed)}")
    print(
        f"  Prometheus {queries / elapsed:.1f} queries/s for {total.count / elapsed:.1f} req/s;"
        f"  adapter CPU {cpu:.1f} s = {cpu / max(total.count, 1) * 1000:.1f} CPU-s per 1,000 requests;"
        f"  RSS {rss_series[0][1]:.0f} -> {rss_series[-1][1]:.0f} MiB, slope {slope:+.2f} MiB/min"
        f" ({settled:+.2f} over the second half, after warm-up)"
    )
    print(
        f"  CPU over {elapsed:.0f} s: adapters {cpu:.1f} s, Prometheus {prometheus_cpu:.1f} s,"
        f" load generator {own_cpu:.1f} s (2 cores = {2 * elapsed:.0f} CPU-s)",
        flush=True,
    )


def prometheus_pid(server: PrometheusServer) -> int:
    process = server._process  # the helper keeps it private; the benchmark reads its CPU time
    assert process is not None
    return process.pid


def wait_for_rates(prometheus: str, pods: int) -> None:
    """Until every pod has a request rate (two live scrapes), so no answer is a 404 for want of data."""
    query = 'count(rate(istio_requests_total{reporter="destination",response_code="200"}[1m]))'
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        body = httpx.get(f"{prometheus}/api/v1/query", params={"query": query}, timeout=30).json()
        result = body["data"]["result"]
        if result and float(result[0]["value"][1]) >= pods:
            return
        time.sleep(2)
    raise RuntimeError("the fleet's request rates never all reached Prometheus")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=600.0, help="seconds of load per worker count")
    parser.add_argument("--workers", default="1,2", help="adapter process counts to run, e.g. 1,2")
    parser.add_argument("--namespaces", type=int, default=200)
    parser.add_argument("--report-every", type=float, default=30.0)
    parser.add_argument("--cache-ttl", type=float, default=5.0)
    args = parser.parse_args()
    fleet = Fleet(namespaces=args.namespaces)
    paths = hpa_paths(fleet)
    with tempfile.TemporaryDirectory(prefix="servescale-fleet-") as tmp, ExitStack() as stack:
        work = Path(tmp)
        started = time.monotonic()
        series = write_openmetrics(work / "backfill.om", fleet)
        create_blocks(work / "backfill.om", work / "data")
        (work / "backfill.om").unlink()
        exporter = LiveExporter(fleet, free_port())
        live = exporter.series(fleet)
        address = stack.enter_context(exporter)
        print(
            f"fleet: {fleet.pods} pods in {fleet.namespaces} namespaces, {fleet.hpas} HPAs; "
            f"{series} series backfilled + {live} scraped live = {series + live} "
            f"(prepared in {time.monotonic() - started:.0f} s)",
            flush=True,
        )
        prometheus = PrometheusServer(
            targets=[ScrapeTarget("fleet", address, scrape_interval="15s")],
            scrape_interval="15s",
            workdir=work,
        )
        stack.enter_context(prometheus)
        prometheus.wait_for_targets_up(timeout=120)
        wait_for_rates(prometheus.url, fleet.pods)
        for workers in (int(w) for w in args.workers.split(",")):
            with ExitStack() as adapters_stack:
                adapters = [
                    adapters_stack.enter_context(
                        running_adapter(
                            prometheus.url, extra=[f"--cache-ttl={args.cache_ttl}"], ready_timeout=120
                        )
                    )
                    for _ in range(workers)
                ]
                print(
                    f"{workers} adapter process(es), {len(paths)} HPAs every 15 s for {args.duration:.0f} s:",
                    flush=True,
                )
                asyncio.run(
                    drive(
                        adapters,
                        paths,
                        prometheus.url,
                        prometheus_pid=prometheus_pid(prometheus),
                        duration=args.duration,
                        every=args.report_every,
                    )
                )


if __name__ == "__main__":
    sys.exit(main())

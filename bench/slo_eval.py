"""200 SLOs over 30 days against one real Prometheus: ``servescale`` evaluation next to Google's
``slo-generator`` computing the same SLOs on the same data, with the exact truth beside both.

Data: ``istio_requests_total`` counters for 100 workloads (3 pods each with uneven traffic, 1:4:15,
workloads from 0.1 to 100 rps, a daily cycle, a small baseline error rate and a few incidents), one
sample every 10 minutes for 31 days ending now, written as OpenMetrics and backfilled with
``promtool tsdb create-blocks-from openmetrics`` (one 2-hour file at a time: promtool re-reads its
whole input once per block). Prometheus then serves that data directory. Each workload has two
SLOs (99.9 % and 99.5 %, rolling 30 days), so 200 SLOs.

slo-generator runs from its own virtualenv (``.bench-venv/``, created with pip when missing), with
its Prometheus backend and ``good_bad_ratio`` method, one 30-day error-budget-policy step. It
always queries "now" (its Prometheus backend ignores the timestamp), so it runs right after our
evaluation at ``at`` = the last sample. Prints figures; asserts nothing.

Usage: ``python bench/slo_eval.py [--workloads 100] [--no-slo-generator] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import numpy.typing as npt
import yaml
from rich.console import Console
from rich.table import Table

from metrics_adapter.promql import HttpPrometheusClient, PrometheusConfig
from servescale.stack.prometheus import PrometheusServer
from slo.evaluation import BatchSettings, Evaluation, SLOEvaluator
from slo.spec import SLO, load_slos

ROOT = Path(__file__).resolve().parent.parent
BENCH_VENV = ROOT / ".bench-venv"
DAY = 86_400
DAYS = 30
STEP = 600
BLOCK = 7200
OBJECTIVES = ("99.9", "99.5")
POD_WEIGHTS = np.array([1.0, 4.0, 15.0]) / 20
SELECTOR = (
    'istio_requests_total{{reporter="destination",destination_workload_namespace="bench",'
    'destination_workload="{w}"'
)
console = Console(width=150)


@dataclass(frozen=True)
class Data:
    times: npt.NDArray[np.int64]  # sample instants, ascending
    good: dict[str, npt.NDArray[np.float64]]  # cumulative good requests per workload (all pods)
    bad: dict[str, npt.NDArray[np.float64]]

    def truth(self, workload: str, at: float) -> tuple[float, float]:
        """Exact (good, total) increments over (at - 30d, at], counters interpolated between samples."""
        start = at - DAYS * DAY
        good = np.interp(at, self.times, self.good[workload]) - np.interp(
            start, self.times, self.good[workload]
        )
        bad = np.interp(at, self.times, self.bad[workload]) - np.interp(start, self.times, self.bad[workload])
        return float(good), float(good + bad)


def workload_name(index: int) -> str:
    return f"w{index:03d}"


def generate(datadir: Path, workloads: int, end: int) -> Data:
    """Write the counters as 2-hour OpenMetrics chunks and backfill them into ``datadir``."""
    rng = np.random.default_rng(7)
    count = (DAYS + 1) * DAY // STEP
    times = end - STEP * np.arange(count, dtype=np.int64)[::-1]
    lines: dict[tuple[str, int, str], npt.NDArray[np.float64]] = {}
    good_total: dict[str, npt.NDArray[np.float64]] = {}
    bad_total: dict[str, npt.NDArray[np.float64]] = {}
    for index in range(workloads):
        name = workload_name(index)
        base, phase = 10 ** rng.uniform(-1, 2), rng.uniform()
        error = np.full(count, rng.uniform(0.0002, 0.003))
        for _ in range(rng.integers(0, 4)):
            at, length = rng.integers(0, count - 40), rng.integers(6, 36)
            error[at : at + length] = rng.uniform(0.02, 0.3)
        diurnal = 1 + 0.7 * np.sin(2 * np.pi * (times / DAY + phase))
        good_sum, bad_sum = np.zeros(count), np.zeros(count)
        for pod, weight in enumerate(POD_WEIGHTS):
            requests = base * weight * diurnal * STEP
            good = np.floor(np.cumsum(requests * (1 - error)))
            bad = np.floor(np.cumsum(requests * error))
            lines[(name, pod, "200")], lines[(name, pod, "500")] = good, bad
            good_sum, bad_sum = good_sum + good, bad_sum + bad
        good_total[name], bad_total[name] = good_sum, bad_sum
    labels = {
        key: SELECTOR.format(w=key[0]) + f',pod="{key[0]}-{key[1]}",response_code="{key[2]}"}}'
        for key in lines
    }
    chunks = sorted({int(t) // BLOCK for t in times})
    datadir.mkdir(parents=True, exist_ok=True)
    chunkdir = Path(tempfile.mkdtemp(prefix="slo-bench-om-"))

    def backfill(chunk: int) -> None:
        mask = (times // BLOCK) == chunk
        stamps = times[mask].tolist()
        path = chunkdir / f"{chunk}.om"
        with path.open("w") as out:
            out.write("# HELP istio_requests Requests.\n# TYPE istio_requests counter\n")
            for key, values in lines.items():
                label = labels[key]
                out.writelines(
                    f"{label} {v:.0f} {t}\n" for v, t in zip(values[mask].tolist(), stamps, strict=True)
                )
            out.write("# EOF\n")
        subprocess.run(
            ["promtool", "tsdb", "create-blocks-from", "openmetrics", "-q", str(path), str(datadir)],
            check=True,
            capture_output=True,
        )
        path.unlink()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(backfill, chunks))
    shutil.rmtree(chunkdir, ignore_errors=True)
    samples = len(lines) * count
    console.print(
        f"backfilled {samples:,} samples of {len(lines)} series in {time.perf_counter() - started:.1f} s"
    )
    return Data(times=times, good=good_total, bad=bad_total)


def slo_specs(workloads: int) -> list[SLO]:
    entries = [
        {
            "name": f"{workload_name(i)}-{objective.replace('.', '')}",
            "service": "bench",
            "objective": float(objective),
            "window": {"rolling": f"{DAYS}d"},
            "sli": {"kind": "availability", "namespace": "bench", "workload": workload_name(i)},
        }
        for i in range(workloads)
        for objective in OBJECTIVES
    ]
    return list(load_slos(yaml.safe_dump({"slos": entries})))


def wait_for_compaction(url: str, *, timeout: float) -> str:
    """Let Prometheus compact the 2-hour blocks (as a long-running server would have), up to ``timeout``."""
    deadline, last, stable_since = time.monotonic() + timeout, -1.0, time.monotonic()
    while time.monotonic() < deadline:
        figures = {
            line.split()[0]: float(line.split()[1])
            for line in httpx.get(f"{url}/metrics", timeout=10).text.splitlines()
            if line.startswith(("prometheus_tsdb_blocks_loaded ", "prometheus_tsdb_compactions_total "))
        }
        blocks = figures.get("prometheus_tsdb_blocks_loaded", -1)
        if blocks != last:
            last, stable_since = blocks, time.monotonic()
        if figures.get("prometheus_tsdb_compactions_total", 0) > 0 and time.monotonic() - stable_since > 10:
            return f"{blocks:.0f} blocks after compaction"
        time.sleep(1)
    return f"{last:.0f} blocks (compaction not finished after {timeout:.0f} s)"


async def run_ours(
    url: str, slos: list[SLO], at: datetime, settings: BatchSettings
) -> tuple[float, Evaluation]:
    async with HttpPrometheusClient(PrometheusConfig(base_url=url, timeout_seconds=300)) as client:
        started = time.perf_counter()
        evaluation = await SLOEvaluator(slos, client, settings=settings).evaluate(at)
        return time.perf_counter() - started, evaluation


def ensure_bench_venv() -> tuple[Path | None, str]:
    python = BENCH_VENV / "bin" / "python"
    if (
        python.exists()
        and subprocess.run([python, "-c", "import slo_generator"], capture_output=True).returncode == 0
    ):
        return python, "existing .bench-venv"
    with tempfile.TemporaryDirectory() as scratch:
        check = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", scratch, "slo-generator"]
        probe = subprocess.run(check, capture_output=True, text=True, timeout=300)
    if probe.returncode != 0:
        return None, f"`pip download slo-generator` failed: {probe.stderr.strip()[-300:]}"
    steps = [
        [sys.executable, "-m", "venv", str(BENCH_VENV)],
        [str(python), "-m", "pip", "install", "-q", "slo-generator[prometheus]"],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            return None, f"{' '.join(step[:4])} failed: {done.stderr.strip()[-300:]}"
    return python, "created .bench-venv"


SLO_GENERATOR_RUN = """
import json, logging, sys, time
import yaml
logging.disable(logging.CRITICAL)
from slo_generator.compute import compute
config = yaml.safe_load(open(sys.argv[1]))
slos = yaml.safe_load(open(sys.argv[2]))
started = time.perf_counter()
reports = [report for slo in slos for report in compute(slo, config, do_export=False)]
seconds = time.perf_counter() - started
keys = ("sli_measurement", "good_events_count", "bad_events_count", "events_count", "valid")
out = [dict(name=r["metadata"]["name"], **{k: r.get(k) for k in keys}) for r in reports]
print(json.dumps({"seconds": seconds, "reports": out}))
"""


def run_slo_generator(
    python: Path, url: str, slos: list[SLO], workdir: Path
) -> tuple[float, dict[str, dict[str, Any]]]:
    config = {
        "backends": {"prometheus": {"url": url}},
        "exporters": {},
        "error_budget_policies": {
            "default": {
                "steps": [
                    {
                        "name": "30 days",
                        "window": DAYS * DAY,
                        "burn_rate_threshold": 1,
                        "alert": False,
                        "message_alert": "Page",
                        "message_ok": "OK",
                    }
                ]
            }
        },
    }
    configs = []
    for slo in slos:
        workload = slo.name.split("-")[0]
        selector = SELECTOR.format(w=workload)
        configs.append(
            {
                "apiVersion": "sre.google.com/v2",
                "kind": "ServiceLevelObjective",
                "metadata": {"name": slo.slo_id, "labels": {"service_name": "bench", "slo_name": slo.name}},
                "spec": {
                    "description": slo.name,
                    "backend": "prometheus",
                    "method": "good_bad_ratio",
                    "exporters": [],
                    "service_level_indicator": {
                        "filter_good": selector + ',response_code!~"5.."}',
                        "filter_valid": selector + "}",
                    },
                    "goal": float(slo.objective.ratio),
                },
            }
        )
    (workdir / "shared.yaml").write_text(yaml.safe_dump(config))
    (workdir / "slos.yaml").write_text(yaml.safe_dump(configs))
    done = subprocess.run(
        [str(python), "-c", SLO_GENERATOR_RUN, str(workdir / "shared.yaml"), str(workdir / "slos.yaml")],
        capture_output=True,
        text=True,
        check=True,
        timeout=1800,
    )
    body = json.loads(done.stdout.strip().splitlines()[-1])
    return body["seconds"], {report["name"]: report for report in body["reports"]}


def print_comparison(evaluation: Evaluation, data: Data, theirs: dict[str, dict[str, Any]] | None) -> None:
    table = Table(title="SLI over 30 days (first 12 SLOs); differences in parts per million")
    for column in (
        "SLO",
        "events (truth)",
        "truth",
        "servescale",
        "slo-generator",
        "ours-truth",
        "theirs-truth",
    ):
        table.add_column(column, justify="right")
    diffs: dict[str, list[float]] = {"ours": [], "theirs": [], "ours-theirs": []}
    for position, status in enumerate(evaluation.statuses):
        good, total = data.truth(status.slo.name.split("-")[0], evaluation.at.timestamp())
        truth = good / total
        ours = None if status.overall is None else status.overall.sli
        report = None if theirs is None else theirs.get(status.slo.slo_id)
        other = None if report is None else report.get("sli_measurement")
        if ours is not None:
            diffs["ours"].append(abs(ours - truth))
        if other is not None:
            diffs["theirs"].append(abs(other - truth))
        if ours is not None and other is not None:
            diffs["ours-theirs"].append(abs(ours - other))
        if position < 12:
            ppm = [f"{(value - truth) * 1e6:+.1f}" if value is not None else "n/a" for value in (ours, other)]
            shown = [f"{value:.6f}" if value is not None else "n/a" for value in (truth, ours, other)]
            table.add_row(status.slo.slo_id, f"{total:,.0f}", *shown, *ppm)
    console.print(table)
    console.print(
        "slo-generator's Prometheus backend ignores the timestamp and queries its own 'now' (seconds to "
        "minutes after `at`, so its 30-day window starts later), and rounds the SLI to 6 decimals."
    )
    for name, values in diffs.items():
        if values:
            console.print(
                f"|{name}| over {len(values)} SLOs: mean {statistics.fmean(values) * 1e6:.2f} ppm, "
                f"max {max(values) * 1e6:.2f} ppm"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", type=int, default=100, help="workloads (2 SLOs each)")
    parser.add_argument("--no-slo-generator", action="store_true")
    parser.add_argument("--keep", type=Path, help="keep the Prometheus data directory here")
    parser.add_argument(
        "--compaction-wait", type=float, default=150, help="seconds to let Prometheus compact"
    )
    args = parser.parse_args()

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="slo-bench-"))
    end = int(time.time())
    data = generate(workdir / "data", args.workloads, end)
    slos = slo_specs(args.workloads)
    at = datetime.fromtimestamp(end, tz=UTC)
    server = PrometheusServer(workdir=workdir, extra_args=["--storage.tsdb.retention.time=400d"])
    try:
        with server:
            console.print(
                f"Prometheus {server.url}: {wait_for_compaction(server.url, timeout=args.compaction_wait)}"
            )
            window_only = [replace(slo, alerting=replace(slo.alerting, windows=())) for slo in slos]
            runs = [
                ("30d window only, 1 probe per query, 8 in flight", window_only, BatchSettings(1, 8)),
                ("30d window only, 40 probes per query, 4 in flight", window_only, BatchSettings(40, 4)),
                ("30d + 7 alert windows, 1 probe per query, 8 in flight", slos, BatchSettings(1, 8)),
                ("30d + 7 alert windows, 40 probes per query, 4 in flight", slos, BatchSettings(40, 4)),
                ("30d + 7 alert windows, 200 probes per query, 2 in flight", slos, BatchSettings(200, 2)),
            ]
            asyncio.run(run_ours(server.url, window_only[:2], at, BatchSettings()))  # warm the page cache
            timings = Table(title=f"{len(slos)} SLOs, {DAYS} days, at {at.isoformat()}")
            for column in ("tool", "mode", "seconds", "queries"):
                timings.add_column(column)
            evaluations: list[Evaluation] = []
            for label, specs, settings in runs:
                seconds, result = asyncio.run(run_ours(server.url, specs, at, settings))
                timings.add_row("servescale", label, f"{seconds:.2f}", str(result.queries))
                evaluations.append(result)
            theirs: dict[str, dict[str, Any]] | None = None
            if not args.no_slo_generator:
                python, note = ensure_bench_venv()
                if python is None:
                    console.print(f"[yellow]slo-generator not run: {note}[/yellow]")
                else:
                    seconds, theirs = run_slo_generator(python, server.url, slos, workdir)
                    queries = 2 * len(slos)
                    timings.add_row(
                        "slo-generator 2.6",
                        "compute, good_bad_ratio, sequential",
                        f"{seconds:.2f}",
                        str(queries),
                    )
            console.print(timings)
            print_comparison(evaluations[3], data, theirs)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

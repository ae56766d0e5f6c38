"""The bulk of the fleet's series, written as OpenMetrics and turned into TSDB blocks by
``promtool tsdb create-blocks-from openmetrics``, placed in Prometheus's data directory before it
starts. Two samples a minute apart per series, ending a minute before now: enough for every
series to be in the index that each query of the benchmark searches.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from fleetsim.model import Fleet

ENVOY_BUCKETS = (
    "0.5", "1", "5", "10", "25", "50", "100", "250", "500", "1000",
    "2500", "5000", "10000", "30000", "60000", "300000", "600000", "1800000", "3600000", "+Inf",
)  # fmt: skip
DCGM_EXTRA = (
    "DCGM_FI_DEV_FB_USED",
    "DCGM_FI_DEV_FB_FREE",
    "DCGM_FI_PROF_GR_ENGINE_ACTIVE",
    "DCGM_FI_DEV_MEM_COPY_UTIL",
    "DCGM_FI_DEV_POWER_USAGE",
    "DCGM_FI_DEV_SM_CLOCK",
)
PER_POD = len(ENVOY_BUCKETS) + 2 + 2 + len(DCGM_EXTRA) + 2


def _families(fleet: Fleet, filler: int) -> Iterator[tuple[str, str, list[str]]]:
    """(family, type, series label texts) of the backfill."""
    pods = list(fleet.each_pod())
    base = [f'namespace="{ns}",pod="{pod}",destination_workload="{dep}"' for ns, dep, pod, _ in pods]
    hist = []
    for labels in base:
        hist += [
            f'istio_request_duration_milliseconds_bucket{{reporter="destination",{labels},le="{le}"}}'
            for le in ENVOY_BUCKETS
        ]
        hist.append(f'istio_request_duration_milliseconds_count{{reporter="destination",{labels}}}')
        hist.append(f'istio_request_duration_milliseconds_sum{{reporter="destination",{labels}}}')
    yield "istio_request_duration_milliseconds", "histogram", hist
    requests = []
    for labels in base:
        requests.append(f'istio_requests_total{{reporter="destination",{labels},response_code="503"}}')
        requests.append(f'istio_requests_total{{reporter="source",{labels},response_code="200"}}')
    yield "istio_requests", "counter", requests
    for name in DCGM_EXTRA:
        yield (
            name,
            "gauge",
            [f'{name}{{gpu="0",exported_namespace="{ns}",exported_pod="{pod}"}}' for ns, _, pod, _ in pods],
        )
    for name in ("vllm:num_requests_running", "vllm:gpu_cache_usage_perc"):
        yield name, "gauge", [f'{name}{{namespace="{ns}",pod="{pod}"}}' for ns, _, pod, _ in pods]
    if filler:
        yield (
            "fleet_filler",
            "gauge",
            [
                f'fleet_filler{{namespace="other-{i % 997}",instance="node-{i // 997}",shard="{i % 16}"}}'
                for i in range(filler)
            ],
        )


def series_count(fleet: Fleet, filler: int) -> int:
    return fleet.pods * PER_POD + filler


def write_openmetrics(path: Path, fleet: Fleet, *, filler: int = 0, now: float | None = None) -> int:
    """Write the backfill file; returns the number of series in it."""
    end = int((now or time.time()) - 60)
    stamps = (end - 60, end)
    count = 0
    with path.open("w") as out:
        for family, kind, series in _families(fleet, filler):
            if not series:
                continue
            out.write(f"# TYPE {family} {kind}\n")
            for text in series:
                count += 1
                for n, stamp in enumerate(stamps):
                    out.write(f"{text} {n + 1} {stamp}\n")
        out.write("# EOF\n")
    return count


def create_blocks(openmetrics: Path, data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["promtool", "tsdb", "create-blocks-from", "openmetrics", str(openmetrics), str(data_dir)],
        check=True,
        capture_output=True,
        timeout=1800,
    )

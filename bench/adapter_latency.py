"""Latency of a 500-pod pods request through the adapter vs. the same PromQL straight to Prometheus,
the same for a one-pod request (the adapter's fixed cost per request, whatever its size), and how
many Prometheus queries 100 concurrent identical requests cost.

Runs the sandbox (one Deployment of 500 pods), a real Prometheus scraping it, and ``servescale serve``
(cache TTL 0, so every sequential request really queries Prometheus; concurrent identical requests
still share one in-flight query). Prints figures; asserts nothing about speed.
"""

from __future__ import annotations

import asyncio
import statistics
import time

import httpx

from autoscaler.sandbox import parse_scenario
from autoscaler.sandbox.runner import SandboxServer
from metrics_adapter.catalogue import MetricDefinition, default_catalogue, plan_custom_query
from metrics_adapter.kube import GroupResource
from servescale.stack.adapter import running_adapter
from servescale.stack.prometheus import PrometheusServer, ScrapeTarget

PODS = 500
SEQUENTIAL = 200
CONCURRENT = 100
SCENARIO = f"""
seed: 1
startupDelaySeconds: 1
namespaces:
  - name: ml
    models:
      - name: embed
        server: triton
        replicas: {PODS}
        capacityRps: 20
        baseLatencyMs: 20
        gpu: {{model: NVIDIA A100-SXM4-80GB, memoryMiB: 40192, mig: 1g.10gb}}
        load: {{type: constant, rps: {PODS * 5}}}
"""
POD_RESOURCE = GroupResource("pods")
PATH = "/apis/custom.metrics.k8s.io/v1beta2/namespaces/ml/pods/%2A/istio_requests_per_second"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def adapter_counter(health_url: str, outcome: str) -> float:
    text = httpx.get(f"{health_url}/metrics", timeout=10).text
    line = next(
        (
            x
            for x in text.splitlines()
            if x.startswith(f'servescale_adapter_cache_results_total{{outcome="{outcome}"}}')
        ),
        None,
    )
    return float(line.split()[-1]) if line else 0.0


async def timed(client: httpx.AsyncClient, method: str, url: str, **kwargs: object) -> float:
    started = time.perf_counter()
    response = await client.request(method, url, **kwargs)  # type: ignore[arg-type]
    response.raise_for_status()
    return time.perf_counter() - started


async def pair(
    client: httpx.AsyncClient, url: str, prometheus_url: str, promql: str
) -> tuple[list[float], list[float]]:
    """SEQUENTIAL timings of ``url`` through the adapter, then of ``promql`` sent to Prometheus."""
    adapter = [await timed(client, "GET", url) for _ in range(SEQUENTIAL)]
    direct = [
        await timed(client, "POST", f"{prometheus_url}/api/v1/query", data={"query": promql})
        for _ in range(SEQUENTIAL)
    ]
    return adapter, direct


def report(label: str, adapter: list[float], direct: list[float]) -> None:
    a50, a99 = percentile(adapter, 0.5) * 1000, percentile(adapter, 0.99) * 1000
    d50, d99 = percentile(direct, 0.5) * 1000, percentile(direct, 0.99) * 1000
    mean_adapter, mean_direct = statistics.mean(adapter) * 1000, statistics.mean(direct) * 1000
    print(f"{label}")
    print(f"  adapter  p50 / p99 (ms)        {a50:8.1f} / {a99:8.1f}   (mean {mean_adapter:.1f})")
    print(f"  direct   p50 / p99 (ms)        {d50:8.1f} / {d99:8.1f}   (mean {mean_direct:.1f})")
    print(f"  ratio adapter/direct p50 / p99 {a50 / d50:8.2f} / {a99 / d99:8.2f}")
    print(f"  adapter - direct at p50 (ms)   {a50 - d50:8.1f}")


async def measure(
    adapter_url: str, health_url: str, prometheus_url: str, definition: MetricDefinition
) -> None:
    promql = plan_custom_query(definition, resource=POD_RESOURCE, namespace="ml").promql
    async with httpx.AsyncClient(timeout=30) as client:
        url = f"{adapter_url}{PATH}?labelSelector=app%3Dembed"
        while True:
            response = await client.get(url)
            if response.status_code == 200 and len(response.json()["items"]) == PODS:
                break
            await asyncio.sleep(1)
        name = response.json()["items"][0]["describedObject"]["name"]
        one = plan_custom_query(definition, resource=POD_RESOURCE, namespace="ml", object_name=name).promql
        many = await pair(client, url, prometheus_url, promql)
        single = await pair(client, f"{adapter_url}{PATH.replace('%2A', name)}", prometheus_url, one)
        before = adapter_counter(health_url, "miss")
        coalesced_before = adapter_counter(health_url, "coalesced")
        await asyncio.gather(*(client.get(url) for _ in range(CONCURRENT)))
        queries = adapter_counter(health_url, "miss") - before
        coalesced = adapter_counter(health_url, "coalesced") - coalesced_before
    print(f"PromQL ({PODS} pods)  {promql}")
    print(f"{SEQUENTIAL} sequential requests each")
    report(f"{PODS} pods per request", *many)
    report("1 pod per request (the fixed cost)", *single)
    print(f"Prometheus queries for {CONCURRENT} concurrent identical requests, cache TTL 0: {queries:.0f}")
    print(f"  ({coalesced:.0f} of them joined a query already running)")


async def concurrent_queries(adapter_url: str, health_url: str) -> float:
    """Prometheus queries made for CONCURRENT identical requests with the default cache TTL."""
    url = f"{adapter_url}{PATH}?labelSelector=app%3Dembed"
    async with httpx.AsyncClient(timeout=30) as client:
        while (await client.get(url)).status_code != 200:  # noqa: ASYNC110
            await asyncio.sleep(1)
        await asyncio.sleep(6)  # let the warm-up answer expire
        before = adapter_counter(health_url, "miss")
        await asyncio.gather(*(client.get(url) for _ in range(CONCURRENT)))
        return adapter_counter(health_url, "miss") - before


def main() -> None:
    scenario = parse_scenario(SCENARIO, source="<bench>")
    definition = default_catalogue().get("istio_requests_per_second")
    with SandboxServer(scenario) as sandbox:
        target = ScrapeTarget("sandbox", sandbox.address, scrape_interval="5s")
        with PrometheusServer(targets=[target], scrape_interval="5s") as prometheus:
            prometheus.wait_for_targets_up(timeout=60)
            with running_adapter(prometheus.url, extra=["--cache-ttl=0"]) as adapter:
                asyncio.run(measure(adapter.url, adapter.health_url, prometheus.url, definition))
            with running_adapter(prometheus.url) as adapter:
                queries = asyncio.run(concurrent_queries(adapter.url, adapter.health_url))
            print(
                f"Prometheus queries for {CONCURRENT} concurrent identical requests, cache TTL 5 s: {queries:.0f}"  # noqa: E501
            )


if __name__ == "__main__":
    main()

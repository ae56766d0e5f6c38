"""What the metrics API answers for each model, as an HPA would ask it (Object metrics on the
Deployment), shown beside the raw Prometheus figures. An error is shown as its HTTP status."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import httpx

from metrics_adapter.kube import parse_quantity

API = "/apis/custom.metrics.k8s.io/v1beta2"
TITLES = {
    "istio_requests_per_second": "API req/s",
    "inference_queue_depth": "API queue",
    "gpu_utilization_percent": "API GPU %",
}
DEMO_METRICS = ("istio_requests_per_second", "inference_queue_depth", "gpu_utilization_percent")


async def _answer(client: httpx.AsyncClient, base: str, namespace: str, deployment: str, metric: str) -> str:
    path = f"{base}{API}/namespaces/{namespace}/deployments.apps/{deployment}/{metric}"
    try:
        response = await client.get(path)
    except httpx.HTTPError as exc:
        return type(exc).__name__
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    items = response.json()["items"]
    return f"{float(parse_quantity(items[0]['value'])):.1f}" if items else "-"


async def adapter_columns(
    base_url: str, models: Sequence[tuple[str, str]], metrics: Sequence[str] = DEMO_METRICS
) -> dict[str, dict[tuple[str, str], str]]:
    """``{column title: {(namespace, deployment): text}}`` for the demo table."""
    async with httpx.AsyncClient(timeout=5) as client:
        answers = await asyncio.gather(
            *(_answer(client, base_url, ns, name, metric) for metric in metrics for ns, name in models)
        )
    columns: dict[str, dict[tuple[str, str], str]] = {}
    flat = iter(answers)
    for metric in metrics:
        columns[TITLES.get(metric, f"API {metric}")] = {model: next(flat) for model in models}
    return columns

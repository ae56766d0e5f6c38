"""The live part of the fleet: a ``/metrics`` endpoint in its own process (so rendering tens of
thousands of lines does not share a GIL with the load generator), scraped by Prometheus.

Per pod: the Istio request counter the rate metrics read, DCGM GPU utilisation (``exported_pod``,
as DCGM scraped through a ServiceMonitor reports it), Triton's pending requests, and the four
kube-state-metrics series the adapter's pod cache reads; per namespace, one RabbitMQ queue.
"""

from __future__ import annotations

import multiprocessing
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from fleetsim.model import TEMPLATE_HASH, Fleet, request_rate


def _static_lines(fleet: Fleet) -> bytes:
    lines: list[str] = []
    for ns, dep, pod, index in fleet.each_pod():
        owner = f"{dep}-{TEMPLATE_HASH}"
        at = f'namespace="{ns}",pod="{pod}"'
        gpu = f'gpu="0",exported_namespace="{ns}",exported_pod="{pod}"'
        owned = f'owner_kind="ReplicaSet",owner_name="{owner}",owner_is_controller="true"'
        lines += [
            f"DCGM_FI_DEV_GPU_UTIL{{{gpu}}} {30 + index % 60}",
            f"nv_inference_pending_request_count{{{at}}} {index % 7}",
            f'kube_pod_info{{{at},created_by_kind="ReplicaSet",created_by_name="{owner}"}} 1',
            f'kube_pod_labels{{{at},label_app="{dep}",label_pod_template_hash="{TEMPLATE_HASH}"}} 1',
            f'kube_pod_status_ready{{{at},condition="true"}} 1',
            f"kube_pod_owner{{{at},{owned}}} 1",
        ]
    for n, queue in enumerate(fleet.queues()):
        lines.append(f'rabbitmq_queue_messages_ready{{vhost="/",queue="{queue}"}} {n % 50}')
    return ("\n".join(lines) + "\n").encode()


def _counter_prefixes(fleet: Fleet) -> list[tuple[str, float]]:
    return [
        (
            f'istio_requests_total{{reporter="destination",namespace="{ns}",pod="{pod}",'
            f'destination_workload="{dep}",destination_workload_namespace="{ns}",response_code="200"}} ',
            request_rate(index),
        )
        for ns, dep, pod, index in fleet.each_pod()
    ]


def _serve(fleet: Fleet, port: int, ready: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    static = _static_lines(fleet)
    counters = _counter_prefixes(fleet)
    started = time.time()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            elapsed = time.time() - started + 600  # counters as if the fleet had run for 10 min
            body = static + "".join(f"{p}{round(r * elapsed)}\n" for p, r in counters).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    ready.set()
    server.serve_forever()


class LiveExporter:
    """``with LiveExporter(fleet, port) as address:`` runs the endpoint in a child process."""

    def __init__(self, fleet: Fleet, port: int) -> None:
        self._ready = multiprocessing.Event()
        self._process = multiprocessing.Process(target=_serve, args=(fleet, port, self._ready), daemon=True)
        self.address = f"127.0.0.1:{port}"

    def series(self, fleet: Fleet) -> int:
        return fleet.pods * 7 + fleet.namespaces

    def __enter__(self) -> str:
        self._process.start()
        if not self._ready.wait(120):
            raise RuntimeError("the fleet exporter did not start")
        return self.address

    def __exit__(self, *exc: object) -> None:
        self._process.terminate()
        self._process.join(10)

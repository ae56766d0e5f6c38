"""A fault-injecting HTTP proxy between the adapter and a real Prometheus, for end-to-end fault tests.

Listens on 127.0.0.1 only and forwards only to a loopback upstream. Each request runs in its own
thread (bounded by ``max_connections``); a :class:`Fault` set by the test decides what the
adapter gets back for the queries it matches (``match``: a substring of the PromQL, so the pod
cache's kube-state-metrics queries can be left alone):

* ``delay`` (seconds before forwarding), ``status`` (an HTTP error with a body and headers, e.g. 429
  with ``Retry-After``), ``reset`` (half the real body, then a TCP RST), ``truncate`` (headers
  announcing the whole body, half of it, then a clean close), ``garbage`` (200 with an HTML page);
* rewrites of the real answer: ``warnings_only`` (an empty result with warnings), ``drop`` (items
  whose ``pod`` label is in a set disappear and a partial-response warning is added), ``value``
  (items get ``NaN``/``+Inf``), ``shift_seconds`` (sample timestamps moved, e.g. into the future).

``required_headers``: answer 401, as a Mimir or Thanos gateway does, unless every one is present.
Counts what it forwards and keeps the last queries with their headers, so tests can assert what
reached upstream.
"""

from __future__ import annotations

import http.client
import json
import socket
import struct
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Fault:
    """What to do to the queries whose PromQL contains ``match`` (every query when empty)."""

    match: str = ""
    delay: float = 0.0
    status: int | None = None
    status_body: bytes = b""
    status_headers: tuple[tuple[str, str], ...] = ()
    reset: bool = False
    truncate: bool = False
    garbage: bool = False
    warnings_only: bool = False
    drop_pods: frozenset[str] = frozenset()
    value: str | None = None
    shift_seconds: float = 0.0


NO_FAULT = Fault()


@dataclass
class ProxyState:
    fault: Fault = NO_FAULT
    required_headers: Mapping[str, str] = field(default_factory=dict)
    forwarded: int = 0
    faulted: int = 0
    seen: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a connection the proxy cut on purpose, or one the adapter gave up on


class FaultProxy:
    """Run with ``with FaultProxy(upstream) as proxy:``; ``proxy.url`` is what the adapter queries."""

    def __init__(self, upstream: str, *, max_connections: int = 64) -> None:
        parts = urlsplit(upstream)
        if parts.hostname not in _LOOPBACK or parts.port is None:
            raise ValueError(f"the fault proxy forwards to loopback only, not {upstream!r}")
        self.upstream_host, self.upstream_port = parts.hostname, parts.port
        self.state = ProxyState()
        self._slots = threading.BoundedSemaphore(max_connections)
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, name="fault-proxy", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def set(self, fault: Fault) -> None:
        with self.state.lock:
            self.state.fault = fault

    def clear(self) -> None:
        self.set(NO_FAULT)

    @contextmanager
    def injecting(self, fault: Fault) -> Iterator[None]:
        self.set(fault)
        try:
            yield
        finally:
            self.clear()

    def counts(self) -> tuple[int, int]:
        """(requests forwarded upstream, requests answered with the fault)."""
        with self.state.lock:
            return self.state.forwarded, self.state.faulted

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._serve()

            def do_POST(self) -> None:
                self._serve()

            def _serve(self) -> None:
                with proxy._slots:
                    length = int(self.headers.get("Content-Length") or 0)
                    body = self.rfile.read(length) if length else b""
                    proxy._handle(self, body)

        return Handler

    def _query_of(self, path: str, body: bytes) -> str:
        params = parse_qs(urlsplit(path).query)
        params.update(parse_qs(body.decode("latin-1")))
        return " ".join(params.get("query", []) + params.get("match[]", []))

    def _handle(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        state = self.state
        headers = {k.lower(): v for k, v in handler.headers.items()}
        query = self._query_of(handler.path, body)
        with state.lock:
            fault = state.fault
            state.seen.append((query, headers))
            del state.seen[:-200]
            required = dict(state.required_headers)
        if any(headers.get(k.lower()) != v for k, v in required.items()):
            self._reply(handler, 401, b'{"status":"error","errorType":"unauthorized","error":"no tenant"}')
            return
        is_query = urlsplit(handler.path).path.endswith(("/query", "/query_range"))
        hit = is_query and fault != NO_FAULT and fault.match in query
        if hit:
            with state.lock:
                state.faulted += 1
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status is not None:
                self._reply(handler, fault.status, fault.status_body, fault.status_headers)
                return
            if fault.garbage:
                self._reply(handler, 200, b"<html><body>502 Bad Gateway</body></html>", (), "text/html")
                return
        status, upstream_headers, payload = self._forward(handler, body)
        if hit:
            payload = _rewrite(payload, fault) if status == 200 else payload
            if fault.reset or fault.truncate:
                self._cut(handler, status, payload, reset=fault.reset)
                return
        self._reply(handler, status, payload, (), upstream_headers.get("content-type", "application/json"))

    def _forward(self, handler: BaseHTTPRequestHandler, body: bytes) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=30)
        headers = {
            k: v
            for k, v in handler.headers.items()
            if k.lower() not in ("host", "connection", "keep-alive", "accept-encoding")
        }
        try:
            connection.request(handler.command, handler.path, body=body or None, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            with self.state.lock:
                self.state.forwarded += 1
            return response.status, {k.lower(): v for k, v in response.getheaders()}, payload
        except OSError as exc:
            message = json.dumps({"status": "error", "errorType": "unavailable", "error": str(exc)})
            return 502, {}, message.encode()
        finally:
            connection.close()

    @staticmethod
    def _reply(
        handler: BaseHTTPRequestHandler,
        status: int,
        payload: bytes,
        extra: tuple[tuple[str, str], ...] = (),
        content_type: str = "application/json",
    ) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(payload)))
        for name, value in extra:
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(payload)
        handler.wfile.flush()

    @staticmethod
    def _cut(handler: BaseHTTPRequestHandler, status: int, payload: bytes, *, reset: bool) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload[: len(payload) // 2])
        handler.wfile.flush()
        handler.close_connection = True
        connection: socket.socket = handler.connection
        if reset:
            # SO_LINGER with a zero timeout: close() sends RST instead of FIN.
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            connection.close()
        else:
            connection.shutdown(socket.SHUT_RDWR)


def _rewrite(payload: bytes, fault: Fault) -> bytes:
    if not (fault.warnings_only or fault.drop_pods or fault.value is not None or fault.shift_seconds):
        return payload
    document = json.loads(payload)
    data = document.get("data") or {}
    result = data.get("result")
    if fault.warnings_only:
        document["data"] = {"resultType": data.get("resultType", "vector"), "result": []}
        document["warnings"] = ["store 127.0.0.1:10901 unavailable: partial response"]
        return json.dumps(document).encode()
    if isinstance(result, list) and data.get("resultType") == "vector":
        kept = []
        for item in result:
            if item.get("metric", {}).get("pod") in fault.drop_pods:
                continue
            stamp, value = item["value"]
            is_value = "servescale_part" not in item.get("metric", {})
            if fault.value is not None and is_value:
                value = fault.value
            if fault.shift_seconds:
                stamp = stamp + fault.shift_seconds
                if not is_value:
                    value = repr(float(value) + fault.shift_seconds)
            kept.append({**item, "value": [stamp, value]})
        data["result"] = kept
    if fault.drop_pods:
        document["warnings"] = [*document.get("warnings", []), "partial response: some series missing"]
    return json.dumps(document).encode()

"""Running the sandbox app with uvicorn in a background thread, for test fixtures and demos.

The listening socket is bound before the thread starts, so ``port=0`` yields a free port with no
race and ``url`` is valid as soon as ``start()`` returns. ``stop()`` asks uvicorn to exit, which
runs the app's shutdown (cancelling the advance task), and joins the thread.
"""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

import uvicorn

from autoscaler.sandbox.api import DEFAULT_TICK_SECONDS, Clock, create_sandbox_app
from autoscaler.sandbox.fleet import Fleet
from autoscaler.sandbox.spec import Scenario

START_TIMEOUT_SECONDS = 15.0


class SandboxStartError(RuntimeError):
    """The sandbox server did not come up in time."""


class SandboxServer:
    """The sandbox on ``host:port`` in a daemon thread; a context manager.

    The fleet is owned by the server's event loop while it runs: observe it over HTTP
    (``/truth``), not by touching ``fleet`` from another thread.
    """

    def __init__(
        self,
        scenario: Scenario | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Clock = time.time,
        tick_seconds: float = DEFAULT_TICK_SECONDS,
        log_level: str = "warning",
    ) -> None:
        self.host = host
        self.app = create_sandbox_app(scenario, clock=clock, tick_seconds=tick_seconds)
        self.fleet: Fleet = self.app.state.sandbox.fleet
        self._requested_port = port
        self._log_level = log_level
        self._socket: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port: int | None = None

    @property
    def address(self) -> str:
        """``host:port`` as a Prometheus static target (valid after ``start()``)."""
        if self.port is None:
            raise RuntimeError("the sandbox server is not started")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.address}"

    def start(self) -> SandboxServer:
        """Bind, start serving in a thread, and wait until uvicorn reports it is started."""
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted sockets only when the protocol
        # says TCP, and without it each kept-alive scrape waits 40 ms for a delayed ACK.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self._requested_port))
        self._socket = sock
        self.port = int(sock.getsockname()[1])
        config = uvicorn.Config(self.app, log_level=self._log_level, lifespan="on", access_log=False)
        server = uvicorn.Server(config)
        self._server = server
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="sandbox-server", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise SandboxStartError(f"sandbox server on {self.host}:{self.port} did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        """Ask uvicorn to exit and wait for the thread; safe to call twice."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=START_TIMEOUT_SECONDS)
        if self._socket is not None:
            self._socket.close()
        self._server = None
        self._thread = None
        self._socket = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

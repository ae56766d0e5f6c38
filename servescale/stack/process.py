"""A local server process on a free loopback port: start, wait for ``/-/ready``, stop, read its log.

The common part of the Prometheus and Alertmanager helpers; it knows nothing about either's flags.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Self

import httpx

from servescale.stack.ports import free_port


class StackError(RuntimeError):
    """A local Prometheus or Alertmanager could not be started or did not behave."""


class LocalServer:
    """Subclasses set ``binary``, ``name`` and build their arguments in :meth:`arguments`."""

    binary: str
    name: str
    host: str
    port: int | None
    workdir: Path | None
    _process: subprocess.Popen[bytes] | None
    _own_workdir: bool

    def arguments(self) -> list[str]:
        """The command line, once ``workdir`` and ``port`` are set."""
        raise NotImplementedError

    @property
    def url(self) -> str:
        if self.port is None:
            raise StackError(f"{self.name} has not been started")
        return f"http://{self.host}:{self.port}"

    @property
    def log_path(self) -> Path | None:
        return None if self.workdir is None else self.workdir / f"{self.name}.log"

    def start(self, *, timeout: float = 30.0) -> Self:
        if self._process is not None:
            raise StackError(f"{self.name} is already running")
        if shutil.which(self.binary) is None:
            raise StackError(f"{self.binary!r} is not on PATH: run `make tools` to install it")
        if self.workdir is None:
            self.workdir = Path(tempfile.mkdtemp(prefix=f"servescale-{self.name}-"))
            self._own_workdir = True
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.port is None:
            self.port = free_port(self.host)
        arguments = self.arguments()
        assert self.log_path is not None
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(arguments, stdout=log, stderr=subprocess.STDOUT)
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                code, tail = self._process.returncode, self.log_tail()
                self.stop()
                raise StackError(f"{self.name} exited with {code}:\n{tail}")
            try:
                if httpx.get(f"{self.url}/-/ready", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        tail = self.log_tail()
        self.stop()
        raise StackError(f"{self.name} not ready after {timeout:.0f}s:\n{tail}")

    def log_tail(self, lines: int = 30) -> str:
        path = self.log_path
        if path is None or not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        if self._own_workdir and self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None
            self._own_workdir = False

    def __enter__(self) -> Self:
        return self.start() if self._process is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

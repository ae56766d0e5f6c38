"""A real Alertmanager process on a free loopback port, for tests and the demo.

Runs Debian's ``prometheus-alertmanager`` binary with a given configuration file, its own
temporary storage and clustering disabled, waits for ``/-/ready`` and stops it cleanly.
Knows nothing about the routes inside the configuration.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import httpx

from servescale.stack.ports import free_port
from servescale.stack.prometheus import StackError


@dataclass
class AlertmanagerServer:
    """Runs Alertmanager until :meth:`stop`; usable as a context manager."""

    config_file: Path
    binary: str = "prometheus-alertmanager"
    host: str = "127.0.0.1"
    port: int | None = None
    extra_args: Sequence[str] = ()
    workdir: Path | None = None
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _own_workdir: bool = field(default=False, init=False, repr=False)

    @property
    def url(self) -> str:
        if self.port is None:
            raise StackError("Alertmanager has not been started")
        return f"http://{self.host}:{self.port}"

    def start(self, *, timeout: float = 30.0) -> AlertmanagerServer:
        if shutil.which(self.binary) is None:
            raise StackError(f"{self.binary!r} is not on PATH: run `make tools` to install Alertmanager")
        if self.workdir is None:
            self.workdir = Path(tempfile.mkdtemp(prefix="servescale-alertmanager-"))
            self._own_workdir = True
        if self.port is None:
            self.port = free_port(self.host)
        log = (self.workdir / "alertmanager.log").open("wb")
        args = [
            self.binary,
            f"--config.file={Path(self.config_file).resolve()}",
            f"--storage.path={self.workdir / 'data'}",
            f"--web.listen-address={self.host}:{self.port}",
            "--cluster.listen-address=",
            "--log.level=warn",
            *self.extra_args,
        ]
        self._process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                code, tail = self._process.returncode, self.log_tail()
                self.stop()
                raise StackError(f"alertmanager exited with {code}:\n{tail}")
            try:
                if httpx.get(f"{self.url}/-/ready", timeout=1.0).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        tail = self.log_tail()
        self.stop()
        raise StackError(f"alertmanager not ready after {timeout:.0f}s:\n{tail}")

    def log_tail(self, lines: int = 30) -> str:
        path = self.workdir / "alertmanager.log" if self.workdir else None
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

    def __enter__(self) -> AlertmanagerServer:
        return self.start() if self._process is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

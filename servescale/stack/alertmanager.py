"""A real Alertmanager process on a free loopback port, for tests and the demo.

Runs Debian's ``prometheus-alertmanager`` binary with a given configuration file, its own
temporary storage and clustering disabled, waits for ``/-/ready`` and stops it cleanly.
Knows nothing about the routes inside the configuration.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from servescale.stack.process import LocalServer


@dataclass
class AlertmanagerServer(LocalServer):
    """Runs Alertmanager until :meth:`stop`; usable as a context manager."""

    config_file: Path
    binary: str = "prometheus-alertmanager"
    name: str = "alertmanager"
    host: str = "127.0.0.1"
    port: int | None = None
    extra_args: Sequence[str] = ()
    workdir: Path | None = None
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _own_workdir: bool = field(default=False, init=False, repr=False)

    def arguments(self) -> list[str]:
        assert self.workdir is not None
        return [
            self.binary,
            f"--config.file={Path(self.config_file).resolve()}",
            f"--storage.path={self.workdir / 'data'}",
            f"--web.listen-address={self.host}:{self.port}",
            "--cluster.listen-address=",
            "--log.level=warn",
            *self.extra_args,
        ]

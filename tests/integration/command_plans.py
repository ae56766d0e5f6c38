"""Running documented command lines: placeholders substituted, servers probed and stopped.

``plan`` turns one argument list of a documented command into an :class:`Invocation`, using the
placeholder table of the test (``Placeholders``) and the real CLI's options (an option that takes
a value is read from the typer app, so a flag is never taken for a placeholder's option). Ports
(``--secure-port``, ``--insecure-port``, ``--health-port``, ``--listen``) become free loopback
ports; ``serve`` always gets a ``--health-port`` and ``sandbox`` a ``--listen`` so that their
defaults (8080, 9400) cannot be taken already. ``run_server`` starts a server, waits for its probes
and stops it with SIGINT; ``run_process`` runs one to its end, ``run_to_end`` runs one in this
process.
"""

from __future__ import annotations

import contextlib
import re
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from typer.main import get_command
from typer.testing import CliRunner

from servescale.cli import app
from servescale.stack.ports import free_port

__all__ = [
    "Context",
    "Invocation",
    "Placeholders",
    "PlanError",
    "plan",
    "run_process",
    "run_server",
    "run_to_end",
]

SERVESCALE = Path(sys.executable).with_name("servescale")
PORT_OPTIONS = frozenset({"--secure-port", "--insecure-port", "--health-port"})
DEMO_SECONDS = "4"
START_TIMEOUT = 45.0
_PLACEHOLDER = re.compile(r"[A-Z]+")


@dataclass(frozen=True)
class Context:
    """What placeholders are replaced with: the running services and the work directory."""

    prometheus_url: str
    grafana_url: str
    workdir: Path
    now: float


Placeholders = Mapping[tuple[str, str], Callable[[Context], str]]


@dataclass
class Invocation:
    """How one argument list is run: its argv, standard input, and for a server what to probe."""

    argv: list[str]
    stdin: bytes | None = None
    probes: list[tuple[str, Callable[[httpx.Response], bool]]] = field(default_factory=list)
    demo: bool = False


class PlanError(ValueError):
    """A documented command this test does not know how to run."""


def _command(words: tuple[str, ...]) -> tuple[Any, list[str]]:
    """The click command the words after ``servescale`` name, and its path (``["slo", "status"]``)."""
    command: Any = get_command(app)
    path: list[str] = []
    for word in words:
        subcommands = getattr(command, "commands", None)
        if not subcommands or word not in subcommands:
            break
        command, path = subcommands[word], [*path, word]
    if getattr(command, "commands", None) is not None:
        raise PlanError(f"`servescale {' '.join(words)}` names no command")
    return command, path


def _takes_value(command: Any, option: str) -> bool:
    for param in command.params:
        if option in (*param.opts, *getattr(param, "secondary_opts", ())):
            return not getattr(param, "is_flag", False)
    raise PlanError(f"`servescale {command.name}` has no option {option}")


def _placeholder(path: list[str], option: str, context: Context, placeholders: Placeholders) -> str:
    for size in range(len(path), -1, -1):
        key = (" ".join(path[:size]) if size else "*", option)
        if key in placeholders:
            return placeholders[key](context)
    raise PlanError(f"no substitution for a placeholder of {option or 'an argument'} in {' '.join(path)}")


def plan(
    variant: tuple[str, ...], context: Context, *, placeholders: Placeholders, example_urls: Sequence[str]
) -> Invocation:
    """The invocation of one documented argument list; PlanError when it cannot be run here.

    A placeholder is an all-capitals word (FILE, DIR, URL, T, ...) or one of ``example_urls``.
    """
    if variant[0] != "servescale":
        raise PlanError(f"{variant[0]} commands are not run: list it in NOT_RUN with the reason")
    command, path = _command(variant[1:])
    words = list(variant[1 + len(path) :])
    invocation = Invocation([str(SERVESCALE), *path])
    ports: dict[str, str] = {}
    index = 0
    while index < len(words):
        word, option = words[index], ""
        if word.startswith("--") and _takes_value(command, word):
            option, index = word, index + 1
            invocation.argv.append(word)
            if index == len(words):
                raise PlanError(f"{word} has no value")
            word = words[index]
        if option in PORT_OPTIONS or option == "--listen":
            ports[option] = str(free_port())
            word = ports[option] if option in PORT_OPTIONS else f"127.0.0.1:{ports[option]}"
        elif word in example_urls or _PLACEHOLDER.fullmatch(word):
            word = _placeholder(path, option, context, placeholders)
        elif word == "-" and option:
            invocation.stdin = (
                context.workdir / _placeholder(path, option, context, placeholders)
            ).read_bytes()
        invocation.argv.append(word)
        index += 1
    _add_probes(path, invocation, ports)
    return invocation


def _add_probes(path: list[str], invocation: Invocation, ports: dict[str, str]) -> None:
    if path == ["serve"]:
        if "--insecure-port" not in ports:
            raise PlanError("serve without --insecure-port cannot be probed here")
        if "--health-port" not in ports:  # the default 8080 may be taken on this machine
            ports["--health-port"] = str(free_port())
            invocation.argv += ["--health-port", ports["--health-port"]]
        discovery = f"http://127.0.0.1:{ports['--insecure-port']}/apis/custom.metrics.k8s.io/v1beta2"
        invocation.probes = [
            (discovery, lambda r: r.status_code == 200 and r.json().get("kind") == "APIResourceList"),
            (f"http://127.0.0.1:{ports['--health-port']}/readyz", lambda r: r.status_code == 200),
        ]
    elif path == ["sandbox"]:
        if "--listen" not in ports:  # the default 127.0.0.1:9400 may be taken on this machine
            ports["--listen"] = str(free_port())
            invocation.argv += ["--listen", f"127.0.0.1:{ports['--listen']}"]
        metrics = f"http://127.0.0.1:{ports['--listen']}/metrics"
        invocation.probes = [(metrics, lambda r: r.status_code == 200 and "istio_requests_total" in r.text)]
    elif path == ["demo"]:
        invocation.demo = True
        if "--duration" not in invocation.argv:
            invocation.argv += ["--duration", DEMO_SECONDS]


def run_server(invocation: Invocation, cwd: Path, log: Path) -> tuple[int, str]:
    """Start the server, wait until every probe passes, stop it with SIGINT; (exit code, output)."""
    with log.open("wb") as out:
        process = subprocess.Popen(invocation.argv, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    try:
        pending = list(invocation.probes)
        deadline = time.monotonic() + START_TIMEOUT
        while pending:
            if process.poll() is not None:
                return process.returncode, f"exited before answering {pending[0][0]}:\n{log.read_text()}"
            if time.monotonic() > deadline:
                return -1, f"{pending[0][0]} not answering after {START_TIMEOUT:.0f} s:\n{log.read_text()}"
            url, check = pending[0]
            try:
                if check(httpx.get(url, timeout=2)):
                    pending.pop(0)
                    continue
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return code, log.read_text(errors="replace")


def run_process(invocation: Invocation, cwd: Path, *, timeout: float = 120.0) -> tuple[int, str]:
    """Run the ``servescale`` process to its end; (exit code, standard output and error)."""
    done = subprocess.run(
        invocation.argv, cwd=cwd, input=invocation.stdin, capture_output=True, timeout=timeout, check=False
    )
    return done.returncode, (done.stdout + done.stderr).decode(errors="replace")


def run_to_end(invocation: Invocation, cwd: Path) -> tuple[int, str]:
    """Run a command that ends by itself on the CLI app, in this process; (exit code, output).

    The same typer app and argument list as the ``servescale`` console script, without its ~2 s of
    imports per command. An exception the command lets through is appended to the output as the
    traceback Python would print.
    """
    with contextlib.chdir(cwd):
        result = CliRunner().invoke(app, invocation.argv[1:], input=invocation.stdin)
    output = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        output += "".join(traceback.format_exception(result.exception))
    return result.exit_code, output

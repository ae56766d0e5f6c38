"""``servescale sandbox``: serve a simulated model-serving fleet's exporters over HTTP.

Reads the scenario (or the built-in one), then runs the sandbox app with uvicorn in the
foreground until interrupted. ``--check`` only validates the scenario and prints a summary.
An invalid scenario or listen address exits with code 2 and a one-line-per-problem message; a
listen address that cannot be bound (taken, or not this machine's) exits 1 in one line.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from autoscaler.sandbox.api import create_sandbox_app
from autoscaler.sandbox.scenario import ScenarioError, default_scenario, load_scenario
from autoscaler.sandbox.spec import Scenario
from servescale.commands.conventions import ExitCode, fail
from servescale.listeners import ListenError, listen_socket

DEFAULT_LISTEN = "127.0.0.1:9400"


def parse_listen(listen: str) -> tuple[str, int]:
    """Split ``HOST:PORT`` (``[v6]:PORT`` for IPv6) into host and port; ValueError if malformed."""
    host, sep, port_text = listen.rpartition(":")
    if not sep or not host or not port_text.isdigit():
        raise ValueError(f"--listen must be HOST:PORT, got {listen!r}")
    port = int(port_text)
    if not 0 < port < 65536:
        raise ValueError(f"--listen port must be within 1..65535, got {port}")
    return host.removeprefix("[").removesuffix("]"), port


def _summary(scenario: Scenario) -> str:
    lines = [f"seed {scenario.seed}, start-up delay {scenario.startup_delay_seconds:g}s"]
    for spec in scenario.deployments:
        gpu = spec.gpu.model + (f" MIG {spec.gpu.mig}" if spec.gpu.mig else "")
        lines.append(f"  {spec.namespace}/{spec.name}: {spec.server.value}, {spec.replicas} replicas, {gpu}")
    for broker in scenario.brokers:
        consumer = f"{broker.consumer_namespace}/{broker.consumer_deployment}"
        lines.append(f"  queue {broker.queue} (vhost {broker.vhost}) -> {consumer}")
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    """Add the ``sandbox`` command to ``app``."""

    @app.command("sandbox")
    def sandbox(
        listen: Annotated[
            str, typer.Option("--listen", help="HOST:PORT to serve /metrics, /truth, /replicas, /faults on.")
        ] = DEFAULT_LISTEN,
        scenario_file: Annotated[
            Path | None,
            typer.Option("--scenario", help="Scenario YAML; the built-in scenario when omitted."),
        ] = None,
        check: Annotated[
            bool, typer.Option("--check", help="Validate the scenario, print a summary and exit.")
        ] = False,
    ) -> None:
        """Serve a simulated ML model-serving fleet's Istio, DCGM, queue and kube-state metrics."""
        try:
            host, port = parse_listen(listen)
            scenario = default_scenario() if scenario_file is None else load_scenario(scenario_file)
        except (ScenarioError, ValueError) as exc:
            fail(str(exc))
        typer.echo(_summary(scenario))
        if check:
            return
        try:
            sock = listen_socket(host, port, option="--listen")
        except ListenError as exc:
            fail(str(exc), ExitCode.FAILED)
        typer.echo(f"sandbox serving on http://{listen}/metrics (truth at /truth)")
        config = uvicorn.Config(create_sandbox_app(scenario), host=host, port=port, log_level="warning")
        with sock, contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: uvicorn stops, then re-raises it
            uvicorn.Server(config).run(sockets=[sock])

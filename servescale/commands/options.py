"""The command-line options several subcommands take: one declaration and one help text per option.

Each alias is an ``Annotated`` type a command parameter is declared with; the default stays at the
parameter. This module declares options only: it reads no value and knows no command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = [
    "CatalogueConfigOption",
    "CatalogueFileOption",
    "FromOption",
    "GpuPriceOption",
    "LatencyObjectiveOption",
    "OptionalSlosOption",
    "PrometheusUrlOption",
    "SlosOption",
    "StepOption",
    "ToOption",
]

PrometheusUrlOption = Annotated[
    str,
    typer.Option("--prometheus-url", help="Prometheus-compatible API base URL."),
]
SlosOption = Annotated[
    list[Path], typer.Option("--slos", help="SLO spec file (ServeScale, OpenSLO or Sloth); repeatable.")
]
OptionalSlosOption = Annotated[
    list[Path] | None,
    typer.Option("--slos", help="SLO spec file (ServeScale, OpenSLO or Sloth); repeatable."),
]
CatalogueFileOption = Annotated[
    Path | None, typer.Option("--config", help="Metric catalogue YAML; every preset when omitted.")
]
CatalogueConfigOption = Annotated[
    Path | None,
    typer.Option("--catalogue-config", help="Metric catalogue config; every preset when omitted."),
]
GpuPriceOption = Annotated[
    str | None, typer.Option("--gpu-price", help="Price per GPU-hour by GPU model, e.g. A100=2.9,H100=4.5.")
]
FromOption = Annotated[
    str, typer.Option("--from", help="Range start: RFC 3339 with a zone, Unix seconds or now-<duration>.")
]
ToOption = Annotated[str, typer.Option("--to", help="Range end, as --from.")]
StepOption = Annotated[
    str, typer.Option("--step", help="Step of the history grid; backtest replays one HPA cycle per step.")
]
LatencyObjectiveOption = Annotated[
    float, typer.Option("--latency-objective-ms", help="Latency a request should be served within, ms.")
]

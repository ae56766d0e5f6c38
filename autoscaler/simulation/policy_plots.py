"""One PNG comparing autoscaling policies on the same load (matplotlib's Agg canvas, no pyplot state).

Top: the offered load. Middle: ready replicas per policy. Bottom: each policy's p95 latency against
the SLO threshold. The x axis is hours since the start. Knows ``PolicyOutcome`` frames only.
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from autoscaler.simulation.policies import PolicyOutcome

__all__ = ["plot_policies"]

_COLOURS = {"reactive": "tab:red", "predictive": "tab:green", "fixed": "tab:gray"}


def plot_policies(
    outcomes: list[PolicyOutcome], path: Path, *, latency_objective_ms: float, title: str
) -> None:
    """Write the comparison to ``path`` (PNG)."""
    figure = Figure(figsize=(12, 9), layout="constrained")
    load, replicas, latency = figure.subplots(3, 1, sharex=True)
    first = outcomes[0].frame
    load.plot(first["t_seconds"] / 3600.0, first["offered_rps"], color="tab:blue", linewidth=0.8)
    load.set_ylabel("offered load (rps)")
    load.set_title(title)
    for outcome in outcomes:
        frame, name = outcome.frame, str(outcome.policy)
        hours = frame["t_seconds"] / 3600.0
        colour = _COLOURS.get(name, "tab:purple")
        replicas.step(hours, frame["ready_replicas"], where="post", color=colour, linewidth=0.8, label=name)
        latency.plot(hours, frame["p95_latency_ms"].astype(float), color=colour, linewidth=0.6, label=name)
    replicas.set_ylabel("ready replicas")
    replicas.legend(loc="upper left")
    latency.axhline(latency_objective_ms, color="black", linestyle="--", linewidth=0.8, label="SLO threshold")
    latency.set_yscale("log")
    latency.set_ylabel("p95 latency (ms)")
    latency.set_xlabel("hours")
    latency.legend(loc="upper left")
    path.parent.mkdir(parents=True, exist_ok=True)
    FigureCanvasAgg(figure)
    figure.savefig(path, dpi=100)

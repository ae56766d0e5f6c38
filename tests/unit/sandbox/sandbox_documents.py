"""Builders for sandbox test scenarios and a settable clock, shared by the sandbox tests."""

from __future__ import annotations

import copy
from typing import Any

from autoscaler.sandbox import Scenario, parse_scenario


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += seconds


def model(name: str = "llama", **overrides: Any) -> dict[str, Any]:
    """A valid model entry of the scenario YAML, with overrides."""
    entry: dict[str, Any] = {
        "name": name,
        "server": "vllm",
        "replicas": 2,
        "capacityRps": 10,
        "baseLatencyMs": 100,
        "gpu": {"model": "NVIDIA A100-SXM4-80GB", "memoryMiB": 81920, "mig": None},
        "load": {"type": "constant", "rps": 10},
    }
    entry.update(overrides)
    return entry


def document(*models: dict[str, Any], **top: Any) -> dict[str, Any]:
    """A valid scenario document with ``models`` in namespace ``ml``."""
    doc: dict[str, Any] = {
        "seed": 1,
        "startupDelaySeconds": 20,
        "namespaces": [{"name": "ml", "models": list(models) or [model()]}],
    }
    doc.update(top)
    return copy.deepcopy(doc)


def scenario(*models: dict[str, Any], **top: Any) -> Scenario:
    """The parsed scenario of ``document(*models, **top)``."""
    return parse_scenario(document(*models, **top))

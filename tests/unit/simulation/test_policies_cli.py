"""``servescale simulate --policies``: the table, its CSV and PNG, and bad input refused."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from servescale.cli import app

EXAMPLES = Path(__file__).parents[3] / "examples"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["simulate", *args])
    return result.exit_code, result.output


def test_policies_side_by_side_on_the_shipped_week(tmp_path: Path) -> None:
    code, output = run(
        "--scenario",
        str(EXAMPLES / "scenarios" / "gpu-week.yaml"),
        "--hpa",
        str(EXAMPLES / "hpa" / "gpu-week-hpa.yaml"),
        "--duration",
        "2h",
        "--sample-interval",
        "15s",
        "--latency-objective-ms",
        "2500",
        "--policies",
        "reactive,predictive,fixed",
        "--out",
        str(tmp_path),
    )
    assert code == 0, output
    table = pd.read_csv(tmp_path / "policies.csv")
    assert list(table["policy"]) == ["reactive", "predictive", "fixed"]
    fixed = table.set_index("policy").loc["fixed"]
    assert fixed["scale_events"] == 0
    assert fixed["gpu_hours"] == max(table["gpu_hours"])
    assert (tmp_path / "policies.png").stat().st_size > 10_000
    assert "predictive vs reactive" in output or table.loc[0, "slo_violating_minutes"] == 0


def test_unknown_policy_is_refused(tmp_path: Path) -> None:
    code, output = run(
        "--hpa",
        str(EXAMPLES / "hpa" / "gpu-week-hpa.yaml"),
        "--scenario",
        str(EXAMPLES / "scenarios" / "gpu-week.yaml"),
        "--duration",
        "1h",
        "--policies",
        "reactive,clairvoyant",
        "--out",
        str(tmp_path),
    )
    assert code == 2
    assert "clairvoyant" in output

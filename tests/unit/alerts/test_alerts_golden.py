"""Rendered rules, tests and Alertmanager config for the example SLOs equal the reviewed golden files.

Regenerate after an intended change with ``SERVESCALE_UPDATE_GOLDEN=1 pytest tests/unit/alerts`` and
review the diff under ``tests/golden/alerts/``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from alerts.config import AlertsConfig, load_alerts_config
from alerts.render import render
from alerts.rules.files import OutputFormat
from slo.spec import load_slo_file

ROOT = Path(__file__).resolve().parents[3]
GOLDEN = ROOT / "tests" / "golden" / "alerts"
EXAMPLES = ROOT / "examples" / "slos"
UPDATE = os.environ.get("SERVESCALE_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize(
    ("example", "with_config", "fmt"),
    [
        pytest.param("llama", True, OutputFormat.RULES, id="llama-rules"),
        pytest.param("openslo", True, OutputFormat.PROMETHEUS_RULE, id="openslo-prometheusrule"),
        pytest.param("sloth", False, OutputFormat.RULES, id="sloth-defaults"),
    ],
)
def test_rendered_files_match_golden(
    tmp_path: Path, example: str, with_config: bool, fmt: OutputFormat
) -> None:
    spec = EXAMPLES / f"{example}.yaml"
    if not spec.exists():
        pytest.fail(f"example spec {spec} is missing")
    config = load_alerts_config(GOLDEN / "config.yaml") if with_config else AlertsConfig()
    written = render(load_slo_file(spec), out_dir=tmp_path, config=config, fmt=fmt)
    expected_dir = GOLDEN / example
    if UPDATE:
        expected_dir.mkdir(parents=True, exist_ok=True)
        for stale in expected_dir.glob("*.yaml"):
            stale.unlink()
        for path in written:
            (expected_dir / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert sorted(path.name for path in written) == sorted(path.name for path in expected_dir.glob("*.yaml"))
    for path in written:
        expected = (expected_dir / path.name).read_text(encoding="utf-8")
        assert path.read_text(encoding="utf-8") == expected, path.name

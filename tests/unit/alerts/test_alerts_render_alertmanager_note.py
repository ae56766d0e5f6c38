"""``alerts render`` says, in one line on stderr, when it writes no Alertmanager configuration; and a
bad spec exits 2 naming the file, the SLO and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from servescale.commands.alerts import register

ROOT = Path(__file__).resolve().parents[3]
SPEC = ROOT / "examples" / "slos" / "llama.yaml"
EXAMPLE_CONFIG = ROOT / "examples" / "config" / "alerts.yaml"


def _render(*args: str) -> tuple[int, str, str]:
    app = typer.Typer()
    register(app)
    result = CliRunner().invoke(app, ["alerts", "render", "--slos", str(SPEC), "--no-tests", *args])
    return result.exit_code, result.stdout, result.stderr


def _notes(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "alertmanager" in line]


def test_no_config_says_why_in_one_line(tmp_path: Path) -> None:
    code, stdout, stderr = _render("--out", str(tmp_path))
    assert code == 0, stderr
    assert not (tmp_path / "alertmanager.yaml").exists()
    assert _notes(stderr) == [
        "no alertmanager.yaml written: no --config given (see examples/config/alerts.yaml)"
    ]
    assert "alertmanager" not in stdout  # stdout stays the list of written files


def test_config_without_the_section_says_why(tmp_path: Path) -> None:
    config = tmp_path / "alerts.yaml"
    config.write_text("links: {runbookUrl: 'https://runbooks.example.com/{alert}'}\n", encoding="utf-8")
    code, _, stderr = _render("--out", str(tmp_path / "out"), "--config", str(config))
    assert code == 0, stderr
    assert not (tmp_path / "out" / "alertmanager.yaml").exists()
    reason = f"{config} has no alertmanager: section"
    assert _notes(stderr) == [f"no alertmanager.yaml written: {reason} (see examples/config/alerts.yaml)"]


def test_the_example_config_writes_alertmanager_yaml_and_no_note(tmp_path: Path) -> None:
    code, stdout, stderr = _render("--out", str(tmp_path), "--config", str(EXAMPLE_CONFIG))
    assert code == 0, stderr
    assert (tmp_path / "alertmanager.yaml").is_file()
    assert str(tmp_path / "alertmanager.yaml") in stdout.splitlines()
    assert _notes(stderr) == []


@pytest.mark.parametrize(
    ("fixture", "where", "field"),
    [
        pytest.param(
            "sloth/plugin-getting-started.yml", 'slos[0] "requests-availability"', "sli.plugin", id="sloth"
        ),
        pytest.param(
            "openslo/examples/ratio-timeslices.yaml", 'SLO "main-page"', "spec.budgetingMethod", id="openslo"
        ),
    ],
)
def test_bad_spec_exits_2_naming_file_entry_and_field(
    fixture: str, where: str, field: str, tmp_path: Path
) -> None:
    path = ROOT / "tests" / "data" / "specs" / fixture
    app = typer.Typer()
    register(app)
    result = CliRunner().invoke(app, ["alerts", "render", "--slos", str(path), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{path}: {where}: {field}: " in result.stderr

"""The ``servescale`` command line loads a subcommand's module only to run it.

``--help`` lists every subcommand from the summaries of ``servescale.cli.SUBCOMMANDS``, which must
equal the commands' own help; ``--help``, ``--version`` and a light command import none of the
heavy libraries (pandas, matplotlib, fastapi, ...), so they start fast.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from servescale.cli import SUBCOMMANDS, app, load_subcommand

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("pandas", "matplotlib", "fastapi", "numpy", "uvicorn", "grpc", "kubernetes", "scipy")


@pytest.mark.parametrize("name", list(SUBCOMMANDS))
def test_the_listed_summary_is_the_commands_own_help(name: str) -> None:
    command = load_subcommand(name)
    assert command.name == name
    assert (command.help or "").split("\n\n")[0].strip() == SUBCOMMANDS[name].summary


def test_help_lists_every_subcommand_in_order() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0, result.output
    assert re.findall(r"^│ ([a-z]+) {2,}", result.output, re.MULTILINE) == list(SUBCOMMANDS)


def test_an_unknown_subcommand_exits_2() -> None:
    result = CliRunner().invoke(app, ["nope"])
    assert result.exit_code == 2
    assert "No such command 'nope'" in result.output


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--help"], id="help"),
        pytest.param(["--version"], id="version"),
        pytest.param(["alerts", "render", "--help"], id="alerts-render-help"),
    ],
)
def test_light_invocations_import_no_heavy_library(args: list[str]) -> None:
    script = (
        "import sys\n"
        "from servescale.cli import app\n"
        "try:\n"
        f"    app({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print('loaded:', *sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.splitlines()[-1] == "loaded:", done.stdout

"""``servescale dashboards preview`` input checks: bad input exits 2 naming it, no Prometheus exits 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from servescale.cli import app
from servescale.stack.ports import free_port


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        pytest.param(["--from", "yesterday"], "--from", id="bad-from"),
        pytest.param(["--from", "now", "--to", "now-1h"], "--from must be before --to", id="reversed"),
        pytest.param(["--rate-interval", "500ms"], "--rate-interval", id="sub-second-interval"),
        pytest.param(["--gpu-price", "A100"], "--gpu-price", id="bad-price"),
    ],
)
def test_bad_input_exits_2_naming_it(tmp_path: Path, extra: list[str], named: str) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = CliRunner().invoke(
        app, ["dashboards", "preview", "--prometheus-url", url, "--out", str(tmp_path), *extra]
    )
    assert result.exit_code == 2, result.output
    assert named in result.output
    assert not list(tmp_path.iterdir())


def test_unreachable_prometheus_exits_1_without_writing(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = CliRunner().invoke(
        app, ["dashboards", "preview", "--prometheus-url", url, "--out", str(tmp_path)]
    )
    assert result.exit_code == 1, result.output
    assert url in result.output
    assert "Traceback" not in result.output
    assert not list(tmp_path.iterdir())

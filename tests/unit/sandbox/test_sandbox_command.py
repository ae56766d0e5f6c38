"""``servescale sandbox`` on its own typer app: scenario checking and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
import yaml
from sandbox_documents import document, model
from typer.testing import CliRunner

from servescale.commands.sandbox import parse_listen, register


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command("other")
    def other() -> None:  # a second command keeps "sandbox" a subcommand, as in the real CLI
        """Unused."""

    return app


def test_check_prints_the_built_in_scenario(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["sandbox", "--check"])
    assert result.exit_code == 0, result.output
    assert "ml/llama" in result.output
    assert "ml/resnet" in result.output


def test_check_reads_a_scenario_file(app: typer.Typer, tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(document(model("bert"))))
    result = CliRunner().invoke(app, ["sandbox", "--scenario", str(path), "--check"])
    assert result.exit_code == 0, result.output
    assert "ml/bert" in result.output


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        pytest.param(
            document(model(capacityRps=-3)), "namespaces[0].models[0].capacityRps: must be > 0", id="range"
        ),
        pytest.param(
            document(model(load={"type": "warp"})), "namespaces[0].models[0].load.type", id="load-type"
        ),
    ],
)
def test_invalid_scenario_exits_2_naming_the_field(
    app: typer.Typer, tmp_path: Path, doc: dict[str, object], expected: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(doc))
    result = CliRunner().invoke(app, ["sandbox", "--scenario", str(path)])
    assert result.exit_code == 2
    assert expected in result.output
    assert "Traceback" not in result.output


def test_bad_listen_address_exits_2(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["sandbox", "--listen", "localhost", "--check"])
    assert result.exit_code == 2
    assert "HOST:PORT" in result.output


@pytest.mark.parametrize(
    ("listen", "expected"),
    [
        pytest.param("127.0.0.1:9400", ("127.0.0.1", 9400), id="v4"),
        pytest.param("0.0.0.0:80", ("0.0.0.0", 80), id="any"),
        pytest.param("[::1]:9400", ("::1", 9400), id="v6"),
    ],
)
def test_parse_listen(listen: str, expected: tuple[str, int]) -> None:
    assert parse_listen(listen) == expected


@pytest.mark.parametrize("listen", [":9400", "host:", "host:port", "host:70000", "host:0"])
def test_parse_listen_rejects(listen: str) -> None:
    with pytest.raises(ValueError, match="--listen"):
        parse_listen(listen)

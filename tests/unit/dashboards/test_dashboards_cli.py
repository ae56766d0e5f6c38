"""``servescale dashboards export`` and ``push`` through the real command line.

``push`` runs against the fake Grafana HTTP API served on a loopback port; bad input exits 2 and names
it, a Grafana that refuses or cannot be reached exits 1, and no case prints a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner, Result

from dashboards import BoardInputs, build_boards, parse_gpu_prices
from metrics_adapter.catalogue import load_config
from servescale.cli import app
from servescale.stack.ports import free_port
from slo.spec import load_slo_file
from tests.fakes.grafana_api import ADMIN_TOKEN, VIEWER_TOKEN, FakeGrafana
from tests.fakes.kube_apiserver import serve_app

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
CONFIG = EXAMPLES / "config" / "servescale.yaml"
SLOS = EXAMPLES / "slos" / "llama.yaml"
UIDS = [
    "servescale-serving",
    "servescale-gpu-fleet",
    "servescale-autoscaling",
    "servescale-slos",
    "servescale-gpu-cost",
]


def run(*args: str, env: dict[str, str | None] | None = None) -> Result:
    result = CliRunner().invoke(app, [str(a) for a in args], env={"GRAFANA_TOKEN": None, **(env or {})})
    assert "Traceback" not in result.output
    return result


def expected_boards() -> dict[str, str]:
    inputs = BoardInputs(
        catalogue=load_config(CONFIG), slos=load_slo_file(SLOS), gpu_prices=parse_gpu_prices("A100=2.9")
    )
    return {board.uid: board.to_json() for board in build_boards(inputs)}


INPUTS = ("--config", CONFIG, "--slos", SLOS, "--gpu-price", "A100=2.9")


def test_export_json_writes_the_built_boards_and_a_provider(tmp_path: Path) -> None:
    result = run("dashboards", "export", "--out", tmp_path, *INPUTS)
    assert result.exit_code == 0, result.output
    expected = expected_boards()
    assert sorted(expected) == sorted(UIDS)
    for uid, text in expected.items():
        assert (tmp_path / "servescale" / f"{uid}.json").read_text(encoding="utf-8") == text
    provider = yaml.safe_load((tmp_path / "servescale-dashboards.yaml").read_text())["providers"][0]
    assert provider["folder"] == "ServeScale"
    assert len(result.stdout.splitlines()) == len(UIDS) + 1


def test_export_is_byte_identical_run_to_run(tmp_path: Path) -> None:
    for out in ("a", "b"):
        assert run("dashboards", "export", "--out", tmp_path / out, *INPUTS).exit_code == 0
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files
    for relative in files:
        assert (tmp_path / "a" / relative).read_bytes() == (tmp_path / "b" / relative).read_bytes()


def test_export_configmaps_in_the_namespace_and_folder(tmp_path: Path) -> None:
    args = ("--format", "configmap", "--namespace", "monitoring", "--folder", "ML Serving")
    result = run("dashboards", "export", "--out", tmp_path, *args, *INPUTS)
    assert result.exit_code == 0, result.output
    expected = expected_boards()
    for uid in UIDS:
        configmap = yaml.safe_load((tmp_path / f"{uid}-dashboard.yaml").read_text(encoding="utf-8"))
        assert configmap["metadata"]["namespace"] == "monitoring"
        assert configmap["metadata"]["labels"]["grafana_dashboard"] == "1"
        assert configmap["metadata"]["annotations"]["grafana_folder"] == "ML Serving"
        assert configmap["data"] == {f"{uid}.json": expected[uid]}


@pytest.mark.parametrize(
    ("args", "named"),
    [
        pytest.param(("--format", "yaml"), "--format", id="unknown-format"),
        pytest.param(("--gpu-price", "A100=lots"), "A100=lots", id="bad-gpu-price"),
        pytest.param(("--gpu-price", "A100"), "MODEL=PRICE", id="gpu-price-without-value"),
        pytest.param(("--config", "{dir}/catalogue.yaml"), "catalogue.yaml", id="bad-config"),
        pytest.param(("--config", "{dir}/missing.yaml"), "missing.yaml", id="missing-config"),
        pytest.param(("--slos", "{dir}/slos.yaml"), "objective", id="bad-slo-file"),
        pytest.param(("--slos", "{dir}/missing.yaml"), "missing.yaml", id="missing-slo-file"),
        pytest.param(("--namespace", "monitoring"), "--namespace", id="namespace-with-json"),
        pytest.param(("--format", "configmap", "--namespace", "Bad_NS"), "Bad_NS", id="bad-namespace"),
        pytest.param(("--folder", " "), "--folder", id="empty-folder"),
    ],
)
def test_export_bad_input_exits_2_naming_it(tmp_path: Path, args: tuple[str, ...], named: str) -> None:
    (tmp_path / "catalogue.yaml").write_text("metrics:\n  - name: 5\n    value: {query: up}\n")
    (tmp_path / "slos.yaml").write_text(
        "slos:\n  - {name: avail, service: llama, objective: high, window: {rolling: 30d},\n"
        "     sli: {kind: availability, namespace: ml, workload: llama}}\n"
    )
    words = [a.format(dir=tmp_path) for a in args]
    result = run("dashboards", "export", "--out", tmp_path / "out", *words)
    assert result.exit_code == 2, result.output
    assert named in result.stderr
    assert not (tmp_path / "out").exists()


def test_export_to_an_unwritable_place_exits_2(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    result = run("dashboards", "export", "--out", tmp_path / "file" / "out")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --out ")


@pytest.fixture
def grafana() -> Iterator[tuple[FakeGrafana, str]]:
    fake = FakeGrafana()
    with serve_app(fake.app) as url:
        yield fake, url


def push(url: str, *extra: str, token: str | None = ADMIN_TOKEN) -> Result:
    return run("dashboards", "push", "--grafana-url", url, *extra, env={"GRAFANA_TOKEN": token})


def test_push_creates_then_changes_nothing(grafana: tuple[FakeGrafana, str]) -> None:
    fake, url = grafana
    first = push(url)
    assert first.exit_code == 0, first.output
    assert [line.split()[:2] for line in first.stdout.splitlines()] == [["created", uid] for uid in UIDS]
    assert sorted(fake.dashboards) == sorted(UIDS)
    second = push(url)
    assert second.exit_code == 0, second.output
    assert [line.split()[:2] for line in second.stdout.splitlines()] == [["unchanged", uid] for uid in UIDS]
    assert len(fake.posts("/api/dashboards/db")) == len(UIDS)


def test_push_with_other_inputs_updates_the_boards_that_change(grafana: tuple[FakeGrafana, str]) -> None:
    fake, url = grafana
    assert push(url).exit_code == 0
    result = push(url, "--slos", str(SLOS))
    assert result.exit_code == 0, result.output
    outcomes = dict(line.split()[1::-1] for line in result.stdout.splitlines())
    assert outcomes["servescale-slos"] == "updated"
    assert "unchanged" in outcomes.values()
    assert fake.stored("servescale-slos")["version"] == 2


def test_push_reads_the_token_file(grafana: tuple[FakeGrafana, str], tmp_path: Path) -> None:
    fake, url = grafana
    (tmp_path / "token").write_text(f"{ADMIN_TOKEN}\n")
    result = push(url, "--token-file", str(tmp_path / "token"), "--folder", "ML Serving", token=None)
    assert result.exit_code == 0, result.output
    assert fake.folders["ml-serving"]["title"] == "ML Serving"


@pytest.mark.parametrize(
    ("setup", "token", "status"),
    [
        pytest.param({}, "not-a-token", "401 Unauthorized", id="401-bad-token"),
        pytest.param({"folder": True}, VIEWER_TOKEN, "403 Forbidden", id="403-viewer"),
        pytest.param(
            {"refuse": 412}, ADMIN_TOKEN, "412 Precondition Failed (version-mismatch)", id="412-conflict"
        ),
    ],
)
def test_push_refusals_are_reported_per_board_with_exit_1(
    grafana: tuple[FakeGrafana, str], setup: dict[str, object], token: str, status: str
) -> None:
    fake, url = grafana
    if setup.get("folder"):
        fake.add_folder("servescale", "ServeScale")
    if "refuse" in setup:
        fake.refuse["servescale-slos"] = int(str(setup["refuse"]))
    result = push(url, token=token)
    assert result.exit_code == 1, result.output
    failed = [line for line in result.stderr.splitlines() if line.startswith("failed")]
    refused = ["servescale-slos"] if "refuse" in setup else UIDS
    assert [line.split()[1].rstrip(":") for line in failed] == refused
    assert all(status in line for line in failed)
    assert (
        result.stderr.splitlines()[-1] == f"error: {len(refused)} of {len(UIDS)} dashboards were not pushed"
    )
    posted = [p.body["dashboard"]["uid"] for p in fake.posts("/api/dashboards/db")]
    if "refuse" in setup:
        assert posted.count("servescale-slos") == 1  # reported, not retried
        assert sorted(fake.dashboards) == sorted(set(UIDS) - {"servescale-slos"})
    else:
        assert fake.dashboards == {}


def test_push_to_an_unreachable_grafana_exits_1_in_one_line() -> None:
    result = push(f"http://127.0.0.1:{free_port()}")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot reach Grafana at http://127.0.0.1:")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "token", "named"),
    [
        pytest.param(("--grafana-url", "http://127.0.0.1:1"), None, "GRAFANA_TOKEN", id="no-token"),
        pytest.param(
            ("--grafana-url", "grafana:3000"), ADMIN_TOKEN, "--grafana-url", id="url-without-scheme"
        ),
        pytest.param(
            ("--grafana-url", "http://u:p@h:3000"), ADMIN_TOKEN, "no credentials", id="url-with-password"
        ),
        pytest.param(
            ("--grafana-url", "http://127.0.0.1:1", "--token-file", "/nonexistent/token"),
            None,
            "--token-file",
            id="missing-token-file",
        ),
        pytest.param(
            ("--grafana-url", "http://127.0.0.1:1", "--gpu-price", "A100=-1"),
            ADMIN_TOKEN,
            "A100=-1",
            id="bad-price",
        ),
        pytest.param(
            ("--grafana-url", "http://127.0.0.1:1", "--timeout", "0"), ADMIN_TOKEN, "--timeout", id="timeout"
        ),
    ],
)
def test_push_bad_input_exits_2_before_any_request(
    args: tuple[str, ...], token: str | None, named: str
) -> None:
    result = run("dashboards", "push", *args, env={"GRAFANA_TOKEN": token})
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ")
    assert named in result.stderr

"""Our recording rules against Sloth's own, for Sloth's examples, on the same series in one promtool run.

The rules come from ``alerts.render`` on the mirrored Sloth specs (``tests/data/specs/sloth``); Sloth's
are its documented output for the same specs (``tests/data/sloth_rules``). Both rule sets evaluate
the synthetic series of ``sloth_parity_series`` (78 h, uneven traffic) every 5 minutes, and the
error-ratio records are compared per window at three times. Where the numbers differ on purpose the
test asserts what each side computes instead (see docs/sloth-parity.md for the figures):

* 5m to 6h: the same query with the window put in on both sides, so the same value.
* 1d, 3d, events: we sum exactly ``window / 5m`` 5-minute counts (the subquery range is 1 ms short
  of the window, so Prometheus 2.x's closed ranges do not add a block at the aligned times promtool
  evaluates at); for counter queries ours equals Sloth's query over the same window. Wifi SLIs count
  subquery points, which summing 5-minute blocks counts twice at block edges on 2.x: those two are
  compared only on Prometheus 3, where ranges are left-open.
* 1d, 3d, raw: no counts to sum, so ours is the mean of the 5-minute ratios; Sloth runs the raw
  query over the whole window.
* 30d (the period), events: Sloth averages the 5-minute ratios; ours divides the sums, which for a
  counter query is the ratio of the counters since the start.
* 30d, raw: both average the 5-minute ratios.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from alerts.config import parse_alerts_config
from alerts.render import render
from slo.spec import SLO, RatioSLI, RawRatioSLI, load_slo_file
from tests.integration.sloth_parity_series import input_series

pytestmark = [pytest.mark.integration, pytest.mark.long(seconds=45)]

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "tests" / "data" / "specs" / "sloth"
SLOTH_RULES = ROOT / "tests" / "data" / "sloth_rules"
EXAMPLES = ("getting-started", "kubernetes-apiserver", "home-wifi", "raw-home-wifi", "no-alerts")
SHORT = ("5m", "30m", "1h", "2h", "6h")
SUMMED = ("1d", "3d")
TIMES = ("30h", "54h", "78h")
EXACT = "1e-12"


def _promtool_major() -> int:
    promtool = shutil.which("promtool")
    assert promtool is not None, "promtool is not on PATH (run `make tools`)"
    version = subprocess.run([promtool, "--version"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"version (\d+)\.", version)
    assert match is not None, version
    return int(match.group(1))


@dataclass(frozen=True)
class Check:
    what: str
    expr: str  # a one-sample vector: 1 when the check holds


def _ours(slo: SLO, window: str) -> str:
    return f'slo:sli_error:ratio_rate{window}{{service="{slo.service}", slo="{slo.name}"}}'


def _sloth(slo: SLO, window: str) -> str:
    return f'slo:sli_error:ratio_rate{window}{{sloth_id="{slo.slo_id}"}}'


def _compare(left: str, right: str, *, rel: str, op: str = "<=") -> str:
    """1 when ``|left - right| <op> rel * |right|`` (each side one series; absent -> 0)."""
    a, b = f"scalar({left})", f"scalar({right})"
    return f"abs(vector({a} - {b})) {op} bool ({rel} * abs(vector({b})) + 1e-15)"


def _events_ratio(sli: RatioSLI, window: str) -> str:
    """Sloth's expression for an events SLI, over any window."""
    assert sli.bad is not None
    return f"({sli.bad.replace('{{.window}}', window)}) / ({sli.total.replace('{{.window}}', window)})"


def _since_start(sli: RatioSLI) -> str:
    """Errors over requests since the start: each ``rate(counter[window])`` replaced by the counter."""
    assert sli.bad is not None
    strip = re.compile(r"rate\((\w+\{[^}]*\}|\w+)\[\{\{\.window\}\}\]\)")
    bad, total = (strip.sub(r"\1", query) for query in (sli.bad, sli.total))
    return f"({bad}) / ({total})"


def _is_counter_query(sli: RatioSLI) -> bool:
    return sli.bad is not None and "[{{.window}}:]" not in sli.bad


def _checks(slo: SLO, *, closed_ranges: bool) -> list[Check]:
    checks = [
        Check(f"{slo.slo_id} {w}: same as Sloth", _compare(_ours(slo, w), _sloth(slo, w), rel=EXACT))
        for w in SHORT
    ]
    if isinstance(slo.sli, RawRatioSLI):
        checks += [
            Check(
                f"{slo.slo_id} {w}: mean of 5m ratios",
                _compare(_ours(slo, w), f"avg_over_time({_sloth(slo, '5m')}[{w}])", rel=EXACT),
            )
            for w in SUMMED
        ]
        checks.append(
            Check(
                f"{slo.slo_id} 30d: same as Sloth", _compare(_ours(slo, "30d"), _sloth(slo, "30d"), rel=EXACT)
            )
        )
        return checks
    assert isinstance(slo.sli, RatioSLI)
    sli = slo.sli
    for w in SUMMED:
        if not closed_ranges:
            checks.append(
                Check(f"{slo.slo_id} {w}: same as Sloth", _compare(_ours(slo, w), _sloth(slo, w), rel="1e-3"))
            )
        elif _is_counter_query(sli):
            over = _events_ratio(sli, w)
            checks.append(
                Check(f"{slo.slo_id} {w}: Sloth's query over {w}", _compare(_ours(slo, w), over, rel=EXACT))
            )
    checks.append(
        Check(
            f"{slo.slo_id} 30d: Sloth averages the 5m ratios",
            _compare(_sloth(slo, "30d"), f"avg_over_time({_ours(slo, '5m')}[30d])", rel=EXACT),
        )
    )
    if _is_counter_query(sli):
        checks.append(
            Check(
                f"{slo.slo_id} 30d: ours is the ratio since the start",
                _compare(_ours(slo, "30d"), _since_start(sli), rel=EXACT),
            )
        )
    return checks


def _group_order(directory: Path, files: list[str]) -> list[str]:
    """Each SLO's SLI group before the groups that read its records (promtool runs groups in this order)."""
    names = [
        group["name"]
        for name in files
        for group in yaml.safe_load((directory / name).read_text(encoding="utf-8"))["groups"]
    ]
    return sorted(names, key=lambda name: (name.endswith("-budget"), name.endswith("-alerts")))


@pytest.fixture(scope="module")
def slos() -> list[SLO]:
    return [slo for name in EXAMPLES for slo in load_slo_file(SPECS / f"{name}.yml")]


def test_records_agree_with_sloth(slos: list[SLO], tmp_path_factory: pytest.TempPathFactory) -> None:
    directory = tmp_path_factory.mktemp("parity")
    config = parse_alerts_config({"autoscaling": {"enabled": False}})
    ours = [path.name for path in render(slos, out_dir=directory, config=config, tests=False)]
    theirs = []
    for name in EXAMPLES:
        target = directory / f"sloth-{name}.rules.yaml"
        shutil.copy(SLOTH_RULES / f"{name}.rules.yaml", target)
        theirs.append(target.name)
    closed = _promtool_major() < 3
    checks = [check for slo in slos for check in _checks(slo, closed_ranges=closed)]
    assert len(checks) >= 7 * 7
    files = [*ours, *theirs]
    document = {
        "rule_files": files,
        "evaluation_interval": "5m",
        "group_eval_order": _group_order(directory, files),
        "tests": [
            {
                "interval": "1m",
                "input_series": input_series(),
                "promql_expr_test": [
                    {"expr": check.expr, "eval_time": time, "exp_samples": [{"labels": "{}", "value": 1}]}
                    for check in checks
                    for time in TIMES
                ],
            }
        ],
    }
    (directory / "parity.test.yaml").write_text(yaml.safe_dump(document, sort_keys=False, width=4000))
    done = subprocess.run(
        ["promtool", "test", "rules", "parity.test.yaml"],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    failed = [check.what for check in checks if check.expr.replace('"', '\\"') in done.stdout + done.stderr]
    assert done.returncode == 0, f"{failed}\n{done.stdout[-4000:]}{done.stderr[-2000:]}"


def test_kubernetes_and_multifile_examples_have_the_same_slis(slos: list[SLO]) -> None:
    """The examples left out of the promtool run record exactly what a compared one records."""
    by_id = {slo.slo_id: slo.sli for slo in slos}
    (k8s,) = load_slo_file(SPECS / "k8s-getting-started.yml")
    assert k8s.sli == by_id[k8s.slo_id]
    for slo in load_slo_file(SPECS / "k8s-home-wifi.yml"):
        assert slo.sli == by_id[slo.slo_id]
    for path in ("multifile.yml", "k8s-multifile.yml"):
        for slo in load_slo_file(SPECS / path):
            assert slo.sli == by_id["myservice-requests-availability"]

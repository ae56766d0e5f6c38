"""Check a rendered directory with the real tools: ``promtool check rules``, ``promtool test rules``
and ``amtool check-config``.

``PrometheusRule`` files are unwrapped (their ``spec`` is a rule file) into a scratch directory next
to copies of the test files, so both output formats are tested the same way. Test files run in
parallel (``workers`` processes); each tool's exit code and output are kept in the report.
Knows file naming and the tools' command lines; nothing about how rules are built.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..rules.files import dump_yaml, rule_groups_from_document

__all__ = ["ToolMissingError", "ToolRun", "VerifyReport", "verify_directory"]

_RULES = ".rules.yaml"
_PROMETHEUS_RULE = ".prometheusrule.yaml"
_TESTS = ".test.yaml"
_ALERTMANAGER = "alertmanager.yaml"


class ToolMissingError(RuntimeError):
    """promtool or amtool is not on PATH."""


@dataclass(frozen=True)
class ToolRun:
    command: tuple[str, ...]
    returncode: int
    output: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


@dataclass(frozen=True)
class VerifyReport:
    runs: tuple[ToolRun, ...]

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(run.ok for run in self.runs)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ToolMissingError(f"{name} is not on PATH (run `make tools`)")
    return path


def _run(command: Sequence[str], cwd: Path, timeout: float) -> ToolRun:
    try:
        done = subprocess.run(
            list(command), cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return ToolRun(tuple(command), 124, f"timed out after {timeout:.0f}s")
    return ToolRun(tuple(command), done.returncode, (done.stdout + done.stderr).strip())


def _stage(directory: Path, scratch: Path) -> list[Path]:
    """Copy rule and test files into ``scratch``, unwrapping PrometheusRule objects; returns rule files."""
    rule_files: list[Path] = []
    for path in sorted(directory.iterdir()):
        name = path.name
        if name.endswith(_PROMETHEUS_RULE):
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
            target = scratch / (name[: -len(_PROMETHEUS_RULE)] + _RULES)
            target.write_text(dump_yaml(rule_groups_from_document(document)), encoding="utf-8")
            rule_files.append(target)
        elif name.endswith(_RULES) or name.endswith(_TESTS) or name == _ALERTMANAGER:
            shutil.copyfile(path, scratch / name)
            if name.endswith(_RULES):
                rule_files.append(scratch / name)
    return rule_files


def verify_directory(directory: Path, *, workers: int = 2, timeout: float = 300.0) -> VerifyReport:
    """Run every check on ``directory``; raises :class:`ToolMissingError` when a tool is missing."""
    promtool = _tool("promtool")
    runs: list[ToolRun] = []
    with tempfile.TemporaryDirectory(prefix="servescale-alerts-") as tmp:
        scratch = Path(tmp)
        rule_files = _stage(directory, scratch)
        if not rule_files:
            return VerifyReport(
                (ToolRun(("promtool", "check", "rules"), 1, f"no rule files in {directory}"),)
            )
        runs.append(_run([promtool, "check", "rules", *(path.name for path in rule_files)], scratch, timeout))
        tests = sorted(path.name for path in scratch.iterdir() if path.name.endswith(_TESTS))
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            runs.extend(
                pool.map(lambda name: _run([promtool, "test", "rules", name], scratch, timeout), tests)
            )
        if (scratch / _ALERTMANAGER).exists():
            runs.append(_run([_tool("amtool"), "check-config", _ALERTMANAGER], scratch, timeout))
    return VerifyReport(tuple(runs))

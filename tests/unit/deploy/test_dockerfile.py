"""The Dockerfile, parsed: always checked, also where no image can be built.

Multi-stage with wheels built in the first stage; the final stage starts from the same pinned base
(never ``latest``), copies only the virtual environment from the build stage, runs as a numeric
non-root UID, has ``servescale`` as its entrypoint and the OCI labels; every COPY source exists and
is not excluded by ``.dockerignore``.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for kw, args in self.instructions if kw == keyword]


def logical_lines(text: str) -> list[str]:
    lines, pending = [], ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        lines.append(pending + stripped)
        pending = ""
    assert not pending, "a continuation line runs off the end"
    return lines


def parse(text: str) -> tuple[dict[str, str], list[Stage]]:
    """Global ARG defaults and the stages, with ${ARG} in FROM resolved."""
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in logical_lines(text):
        keyword, _, rest = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "ARG" and not stages:
            name, _, default = rest.partition("=")
            args[name] = default
        elif keyword == "FROM":
            words = rest.split()
            base = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], words[0])
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(base, name))
        else:
            assert stages, f"{keyword} before FROM"
            stages[-1].instructions.append((keyword, rest))
    return args, stages


def dockerignore_excludes(path: str) -> bool:
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    excluded = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        pattern = pattern.removeprefix("!").rstrip("/")
        if fnmatch.fnmatch(path, pattern) or path.startswith(pattern + "/"):
            excluded = not negated
    return excluded


ARGS, STAGES = parse((ROOT / "Dockerfile").read_text())
FINAL = STAGES[-1]


def test_two_stages_from_the_same_pinned_base() -> None:
    assert len(STAGES) == 2
    assert STAGES[0].name == "build"
    assert STAGES[0].base == FINAL.base
    image, _, tag = FINAL.base.rpartition(":")
    assert "python" in image
    assert tag.startswith("3.11")
    assert "slim" in tag
    for stage in STAGES:
        assert ":" in stage.base, stage.base
        assert not stage.base.endswith(":latest"), stage.base


def test_wheels_are_built_in_the_first_stage_only() -> None:
    (build_run,) = STAGES[0].all("RUN")
    assert "pip wheel" in build_run
    assert "-c constraints.txt" in build_run
    assert FINAL.all("RUN") == [], "no package manager, compiler or pip runs in the final stage"


def test_final_stage_copies_only_the_environment_from_the_build_stage() -> None:
    copies = FINAL.all("COPY")
    assert copies == ["--from=build /opt/servescale /opt/servescale"]


def test_final_stage_runs_as_a_numeric_non_root_user() -> None:
    (user,) = FINAL.all("USER")
    uid, _, gid = user.partition(":")
    assert uid.isdigit()
    assert int(uid) != 0
    assert gid == "" or (gid.isdigit() and int(gid) != 0)


def test_entrypoint_is_servescale_and_oci_labels_are_set() -> None:
    (entrypoint,) = FINAL.all("ENTRYPOINT")
    assert Path(json.loads(entrypoint)[0]).name == "servescale"
    labels = " ".join(FINAL.all("LABEL"))
    for key in ("title", "description", "version", "revision", "licenses"):
        assert f"org.opencontainers.image.{key}=" in labels
    env = " ".join(FINAL.all("ENV"))
    assert "PYTHONDONTWRITEBYTECODE=1" in env, "a read-only root filesystem gets no .pyc files"


@pytest.mark.parametrize("source", [s for s in STAGES[0].all("COPY") for s in shlex.split(s)[:-1]])
def test_copy_sources_exist_and_reach_the_build_context(source: str) -> None:
    path = source.rstrip("/")
    assert (ROOT / path).exists(), source
    assert not dockerignore_excludes(path), f"{source} is excluded by .dockerignore"


def test_tests_and_tooling_stay_out_of_the_build_context() -> None:
    for path in ("tests", ".venv", "deploy", "bench", ".git", "tests/unit/deploy/test_dockerfile.py"):
        assert dockerignore_excludes(path), path
    assert not dockerignore_excludes("servescale/cli.py")


def test_parser_reads_continuations_and_stage_names() -> None:
    args, stages = parse("ARG B=img:1\n# c\nFROM ${B} AS one\nRUN a \\\n  && b\nFROM ${B}\nUSER 1\n")
    assert args == {"B": "img:1"}
    assert [(s.base, s.name) for s in stages] == [("img:1", "one"), ("img:1", None)]
    assert stages[0].all("RUN") == ["a  && b"]

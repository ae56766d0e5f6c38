"""Command lines shown in Markdown files, and the argument lists a synopsis among them stands for.

``commands_in_markdown`` reads, in document order:

* every logical line of a shell code block (language ``sh``, ``bash``, ``shell``, ``console`` or
  none): ``\\`` continuations joined, ``#`` comments and a ``$ `` prompt dropped;
* every inline code span that starts with ``servescale `` (tables and prose), with a table's ``\\|``
  read as ``|``; in a table cell, a later span that starts with the same command group as the
  cell's first ``servescale`` span (``hpa explain`` after ``servescale hpa step``) continues it.

``expand`` turns a synopsis into the argument lists it documents: ``a|b`` in one word gives a list per
alternative; a ``[...]`` group is kept (once per ``|`` alternative inside it) unless it is listed in
``excluded``. Nothing here knows what a command does.
"""

from __future__ import annotations

import itertools
import re
import shlex
from collections.abc import Collection
from dataclasses import dataclass

__all__ = ["DocumentedCommand", "Synopsis", "commands_in_markdown", "expand"]

SHELL_LANGUAGES = frozenset({"", "sh", "bash", "shell", "console"})
PROGRAM = "servescale"
_SPAN = re.compile(r"`([^`]+)`")
_CELL_SEPARATOR = re.compile(r"(?<!\\)\|")


@dataclass(frozen=True)
class DocumentedCommand:
    """One command line as documented, and where (``path:line``)."""

    path: str
    line: int
    text: str

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def key(self) -> str:
        """The words of the command without a trailing comment or quotes, to look it up by."""
        return " ".join(shlex.split(self.text, comments=True))


@dataclass(frozen=True)
class Synopsis:
    """The argument lists of one documented command and the optional groups it has."""

    variants: tuple[tuple[str, ...], ...]
    groups: tuple[str, ...]


def _shell_commands(lines: list[tuple[int, str]], path: str) -> list[DocumentedCommand]:
    commands: list[DocumentedCommand] = []
    pending: list[str] = []
    first = 0
    for number, raw in lines:
        line = raw.strip()
        if not pending:
            if not line or line.startswith("#"):
                continue
            first = number
            line = line.removeprefix("$ ")
        if line.endswith("\\"):
            pending.append(line[:-1].strip())
            continue
        pending.append(line)
        commands.append(DocumentedCommand(path, first, " ".join(part for part in pending if part)))
        pending = []
    if pending:
        commands.append(DocumentedCommand(path, first, " ".join(pending)))
    return commands


def _table_commands(number: int, line: str, path: str) -> list[DocumentedCommand]:
    commands: list[DocumentedCommand] = []
    for cell in _CELL_SEPARATOR.split(line):
        group: str | None = None
        for match in _SPAN.finditer(cell):
            text = match.group(1).replace("\\|", "|").strip()
            if text.startswith(f"{PROGRAM} "):
                words = text.split()
                group = words[1] if len(words) > 1 else None
                commands.append(DocumentedCommand(path, number, text))
            elif group is not None and text.split()[0] == group:
                commands.append(DocumentedCommand(path, number, f"{PROGRAM} {text}"))
    return commands


def _prose_commands(paragraph: list[tuple[int, str]], path: str) -> list[DocumentedCommand]:
    if not paragraph:
        return []
    first = paragraph[0][0]
    text = "\n".join(line for _, line in paragraph)
    commands = []
    for match in _SPAN.finditer(text):
        span = " ".join(match.group(1).split())
        if span.startswith(f"{PROGRAM} "):
            commands.append(DocumentedCommand(path, first + text.count("\n", 0, match.start()), span))
    return commands


def commands_in_markdown(text: str, *, path: str) -> list[DocumentedCommand]:
    """Every command line of the Markdown ``text`` (from file ``path``), in document order."""
    commands: list[DocumentedCommand] = []
    block: list[tuple[int, str]] | None = None
    language = ""
    paragraph: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("```"):
            if block is None:
                commands.extend(_prose_commands(paragraph, path))
                paragraph = []
                block, language = [], stripped[3:].strip().lower()
            else:
                if language in SHELL_LANGUAGES:
                    commands.extend(_shell_commands(block, path))
                block = None
            continue
        if block is not None:
            block.append((number, line))
        elif stripped.startswith("|"):
            commands.extend(_prose_commands(paragraph, path))
            paragraph = []
            commands.extend(_table_commands(number, stripped, path))
        elif not stripped or stripped.startswith("#"):
            commands.extend(_prose_commands(paragraph, path))
            paragraph = []
        else:
            paragraph.append((number, line))
    commands.extend(_prose_commands(paragraph, path))
    return commands


def expand(text: str, *, excluded: Collection[str] = ()) -> Synopsis:
    """The argument lists ``text`` documents; ValueError for what a test cannot run (a pipeline)."""
    tokens = shlex.split(text, comments=True)
    choices: list[list[list[str]]] = []
    groups: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.startswith("["):
            inner = [token[1:]]
            while not inner[-1].endswith("]"):
                index += 1
                if index == len(tokens):
                    raise ValueError(f"unclosed [ in {text!r}")
                inner.append(tokens[index])
            inner[-1] = inner[-1][:-1]
            inner = [word for word in inner if word]
            group = " ".join(inner)
            groups.append(group)
            alternatives = [
                list(words) for is_bar, words in itertools.groupby(inner, "|".__eq__) if not is_bar
            ]
            choices.append([[]] if group in excluded else alternatives)
        elif token == "|":
            raise ValueError(f"a pipeline is not a command line: {text!r}")
        elif "|" in token:
            choices.append([[alternative] for alternative in token.split("|")])
        else:
            choices.append([[token]])
        index += 1
    variants = tuple(
        tuple(word for part in combination for word in part) for combination in itertools.product(*choices)
    )
    return Synopsis(variants=variants, groups=tuple(groups))

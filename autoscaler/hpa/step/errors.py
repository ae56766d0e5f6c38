"""Errors of the ``hpa step`` input document, named by the path of the offending field.

``InputError`` carries the path (``hpa.spec.metrics[0].resource.target``); ``format_validation_error``
turns pydantic's errors into the same ``path: message`` lines. This module knows nothing of the
algorithm or of the document's shape.
"""

from __future__ import annotations

from pydantic import ValidationError

__all__ = ["InputError", "format_path", "format_validation_error"]


class InputError(ValueError):
    """An input document that cannot be used; ``str()`` names the field path."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


def format_path(parts: tuple[int | str, ...]) -> str:
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path


def format_validation_error(error: ValidationError, *, prefix: str = "") -> str:
    """One line per problem: ``path: message``."""
    lines = []
    for item in error.errors():
        loc = tuple(
            part for part in item["loc"] if not (isinstance(part, str) and part.startswith("function-"))
        )
        path = format_path(((prefix,) if prefix else ()) + loc)
        message = str(item["msg"]).removeprefix("Value error, ")
        lines.append(f"{path}: {message}" if path else message)
    return "\n".join(lines)

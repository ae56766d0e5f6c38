"""The base of every PromQL expression node and the parenthesising rule shared by all of them.

Nodes are frozen dataclasses; ``render()`` is the only place PromQL text is produced. This module
knows no concrete node type.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

__all__ = ["Expr", "render_operand"]


class Expr(ABC):
    """A PromQL expression. ``str(expr)`` is ``expr.render()``."""

    __slots__ = ()

    @abstractmethod
    def render(self) -> str:
        """Return the PromQL text of this expression, every string literal escaped exactly once."""

    def binds_tightly(self) -> bool:
        """True if the rendered text may stand as an operand of any operator without parentheses."""
        return True

    def is_bare_subquery_operand(self) -> bool:
        """True if ``<render()>[range:step]`` parses as a subquery of this whole expression."""
        return False

    def __str__(self) -> str:
        return self.render()


def render_operand(expr: Expr) -> str:
    """Render ``expr`` for use as an operand, in parentheses unless it binds tightly."""
    text = expr.render()
    return text if expr.binds_tightly() else f"({text})"

"""A PromQL node for user-written queries: the only place raw PromQL text enters an expression tree.

SLO specs may carry PromQL written by people (Sloth ``events``/``raw`` queries, OpenSLO
``ratioMetric`` and ``thresholdMetric`` sources, our ``ratio``/``threshold`` SLIs). ``UserQuery`` holds
such text verbatim, substitutes the documented window placeholder, and always renders in parentheses
when used as an operand, so the surrounding typed expression cannot change its meaning. Nothing
else in :mod:`slo` builds PromQL from strings.

Knows the promql node base; nothing about SLOs.
"""

from __future__ import annotations

from dataclasses import dataclass

from metrics_adapter.promql import Duration, Expr

__all__ = ["UserQuery"]


@dataclass(frozen=True)
class UserQuery(Expr):
    """User PromQL, inserted as written (surrounding whitespace removed)."""

    text: str

    def __post_init__(self) -> None:
        if not isinstance(self.text, str) or not self.text.strip():
            raise ValueError("a user query must be non-empty text")

    def with_window(self, placeholder: str, window: Duration) -> UserQuery:
        """The query with every ``placeholder`` replaced by ``window`` (``5m``, ``30d``)."""
        return UserQuery(self.text.replace(placeholder, window.render()))

    def render(self) -> str:
        return self.text.strip()

    def binds_tightly(self) -> bool:
        return False

    def is_bare_subquery_operand(self) -> bool:
        return False

"""Instant and range vector selectors: ``metric{matchers}``, ``metric{...}[5m]``, with ``offset``.

Knows matchers, durations and the metric-name grammar; nothing about functions or operators.
"""

from __future__ import annotations

from dataclasses import dataclass

from .duration import Duration
from .matcher import Matcher, eq
from .names import is_reserved_word, validate_metric_name
from .node import Expr

__all__ = ["RangeSelector", "Selector"]


@dataclass(frozen=True)
class Selector(Expr):
    """An instant vector selector.

    ``metric`` may be ``None``; then at least one matcher must reject the empty value, as
    Prometheus requires. A metric whose name PromQL reserves (``sum``, ``on``, ``nan``, ...) is
    rendered as a ``__name__`` matcher.
    """

    metric: str | None
    matchers: tuple[Matcher, ...] = ()
    offset: Duration | None = None

    def __post_init__(self) -> None:
        matchers = tuple(self.matchers)
        object.__setattr__(self, "matchers", matchers)
        for matcher in matchers:
            if not isinstance(matcher, Matcher):
                raise TypeError(f"selector matchers must be Matcher, got {type(matcher).__name__}")
        if self.metric is not None:
            validate_metric_name(self.metric)
            if any(matcher.label == "__name__" for matcher in matchers):
                raise ValueError("metric name given both as metric and as a __name__ matcher")
        elif not any(matcher.matches_empty() is not True for matcher in matchers):
            raise ValueError("a selector without a metric name needs a matcher that rejects the empty value")

    def render_without_offset(self) -> str:
        matchers = self.matchers
        head = ""
        if self.metric is not None:
            if is_reserved_word(self.metric):
                matchers = (eq("__name__", self.metric), *matchers)
            else:
                head = self.metric
        if not matchers:
            return head
        return head + "{" + ", ".join(matcher.render() for matcher in matchers) + "}"

    def render(self) -> str:
        return self.render_without_offset() + _render_offset(self.offset)

    def is_bare_subquery_operand(self) -> bool:
        return self.offset is None


@dataclass(frozen=True)
class RangeSelector(Expr):
    """A range vector selector ``selector[window]``; the selector's offset is rendered after the window."""

    selector: Selector
    window: Duration

    def __post_init__(self) -> None:
        if not isinstance(self.selector, Selector):
            raise TypeError(f"range selector needs a Selector, got {type(self.selector).__name__}")
        if not isinstance(self.window, Duration):
            raise TypeError(f"range window must be a Duration, got {type(self.window).__name__}")

    def render(self) -> str:
        return (
            f"{self.selector.render_without_offset()}[{self.window.render()}]"
            f"{_render_offset(self.selector.offset)}"
        )


def _render_offset(offset: Duration | None) -> str:
    return "" if offset is None else f" offset {offset.render()}"

"""The structure of user-written PromQL, read with a real PromQL parser (``promql-parser``).

Two questions are asked of a user query, never answered by looking at its text:

* :func:`summed_by`: does the query already return ``sum by (labels)``, so that summing it again
  over every label but the SLO's grouping changes nothing? (``None`` when it does not.)
* :func:`event_selectors`: which raw series does it read, when it is simple enough that feeding
  those series synthetic counts reproduces its result: plain selectors, ``rate``/``increase`` over
  them, ``sum`` and parentheses. Anything else (arithmetic, ``irate``, ``histogram_quantile``,
  ``offset``, ``or``, subqueries...) gives ``None``: the caller then tests at the level of our own
  records instead, and says so.

Window placeholders (Sloth's ``{{.window}}``) are replaced by a valid duration before parsing. A
query the parser cannot read (a syntax error, or a function newer than the parser knows) answers
``None`` to both: its syntax is Prometheus' to judge (``promtool check rules``, or the query's own
error at evaluation, which fails only that SLO).

Answers are cached per query text: the same SLI is read for every window of every evaluation.

Knows promql-parser and the placeholder convention; nothing about SLOs or rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import promql_parser as pp

__all__ = ["EventSelector", "event_selectors", "summed_by"]

_PLACEHOLDER = "{{.window}}"
_SYNTHESISABLE_FUNCTIONS = frozenset({"rate", "increase"})
_MATCH_OPS = (
    (pp.MatchOp.Equal, "="),
    (pp.MatchOp.NotEqual, "!="),
    (pp.MatchOp.Re, "=~"),
    (pp.MatchOp.NotRe, "!~"),
)


@dataclass(frozen=True)
class EventSelector:
    """A raw series selector found in a user query: metric name and its matchers as ``(name, op, value)``.

    ``op`` is ``=``, ``!=``, ``=~`` or ``!~`` (regex values without the anchors Prometheus adds).
    """

    metric: str
    matchers: tuple[tuple[str, str, str], ...]


def _parse(query: str) -> pp.Expr | None:
    try:
        return pp.parse(query.replace(_PLACEHOLDER, "5m"))
    except (ValueError, RuntimeError):
        return None


def _unwrap(expr: pp.Expr) -> pp.Expr:
    while isinstance(expr, pp.ParenExpr):
        expr = expr.expr
    return expr


@lru_cache(maxsize=1024)
def summed_by(query: str) -> frozenset[str] | None:
    """The labels a top-level ``sum``/``sum by (...)`` keeps (empty for plain ``sum``), else ``None``."""
    parsed = _parse(query)
    expr = None if parsed is None else _unwrap(parsed)
    if not isinstance(expr, pp.AggregateExpr) or str(expr.op) != "sum":
        return None
    modifier = expr.modifier
    if modifier is None:
        return frozenset()
    if modifier.type == pp.AggModifierType.By:
        return frozenset(modifier.labels)
    return None


def _op_text(op: pp.MatchOp) -> str:
    """The operator's PromQL spelling (the parser's enum members are not hashable)."""
    return next(text for member, text in _MATCH_OPS if op == member)


def _selector(node: pp.VectorSelector) -> EventSelector | None:
    if node.offset is not None or node.at is not None or node.matchers.or_matchers:
        return None
    name = node.name
    matchers: list[tuple[str, str, str]] = []
    for matcher in node.matchers.matchers:
        if matcher.name == "__name__":
            if matcher.op != pp.MatchOp.Equal:
                return None
            name = matcher.value
            continue
        matchers.append((matcher.name, _op_text(matcher.op), matcher.value))
    if not name:
        return None
    return EventSelector(name, tuple(matchers))


def _collect(expr: pp.Expr, out: list[EventSelector]) -> bool:
    expr = _unwrap(expr)
    if isinstance(expr, pp.VectorSelector):
        found = _selector(expr)
        if found is None:
            return False
        out.append(found)
        return True
    if isinstance(expr, pp.MatrixSelector):
        return _collect(expr.vector_selector, out)
    if isinstance(expr, pp.Call):
        if expr.func.name not in _SYNTHESISABLE_FUNCTIONS or len(expr.args) != 1:
            return False
        return isinstance(_unwrap(expr.args[0]), pp.MatrixSelector) and _collect(expr.args[0], out)
    if isinstance(expr, pp.AggregateExpr):
        return str(expr.op) == "sum" and _collect(expr.expr, out)
    return False


@lru_cache(maxsize=1024)
def event_selectors(query: str) -> tuple[EventSelector, ...] | None:
    """The raw selectors of a synthesisable query (see the module docstring), else ``None``."""
    parsed = _parse(query)
    found: list[EventSelector] = []
    if parsed is None or not _collect(parsed, found):
        return None
    return tuple(dict.fromkeys(found))

"""Prometheus rule groups as frozen values: recording rules, alerting rules, groups.

Expressions stay typed PromQL (:class:`metrics_adapter.promql.Expr`) until :meth:`to_dict` renders
them, once, into the plain mapping Prometheus's rule-file format expects. Labels and annotations are
stored sorted so two equal rule sets always serialise to the same bytes. Knows nothing about SLOs,
Kubernetes objects or YAML.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from metrics_adapter.promql import Duration, Expr

__all__ = ["AlertingRule", "LabelSet", "RecordingRule", "Rule", "RuleGroup", "label_set"]

LabelSet = tuple[tuple[str, str], ...]

_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
_METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")


def label_set(values: Mapping[str, str] | LabelSet | None = None) -> LabelSet:
    """Sorted ``(name, value)`` pairs; raises ``ValueError`` for an invalid label name or empty value.

    An empty label value means "no label" to Prometheus, so it is refused rather than kept silently.
    """
    pairs = dict(values or ())
    for name, value in pairs.items():
        if _LABEL_NAME.fullmatch(name) is None or name.startswith("__"):
            raise ValueError(f"invalid label name {name!r}")
        if not isinstance(value, str) or value == "":
            raise ValueError(f"label {name!r} needs a non-empty string value, got {value!r}")
    return tuple(sorted(pairs.items()))


def _annotation_set(values: Mapping[str, str] | LabelSet | None) -> LabelSet:
    pairs = dict(values or ())
    for name in pairs:
        if _LABEL_NAME.fullmatch(name) is None:
            raise ValueError(f"invalid annotation name {name!r}")
    return tuple(sorted(pairs.items()))


@dataclass(frozen=True)
class RecordingRule:
    """``record: <name>`` evaluating ``expr``, with extra labels attached to every result."""

    record: str
    expr: Expr
    labels: LabelSet = ()

    def __post_init__(self) -> None:
        if _METRIC_NAME.fullmatch(self.record) is None:
            raise ValueError(f"invalid recording rule name {self.record!r}")
        object.__setattr__(self, "labels", label_set(self.labels))

    @property
    def name(self) -> str:
        return self.record

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"record": self.record, "expr": self.expr.render()}
        if self.labels:
            out["labels"] = dict(self.labels)
        return out


@dataclass(frozen=True)
class AlertingRule:
    """``alert: <name>``: fires for every result of ``expr`` that has been there for ``for_``."""

    alert: str
    expr: Expr
    for_: Duration | None = None
    labels: LabelSet = ()
    annotations: LabelSet = ()

    def __post_init__(self) -> None:
        if _LABEL_NAME.fullmatch(self.alert) is None:
            raise ValueError(f"invalid alert name {self.alert!r}")
        object.__setattr__(self, "labels", label_set(self.labels))
        object.__setattr__(self, "annotations", _annotation_set(self.annotations))

    @property
    def name(self) -> str:
        return self.alert

    def label(self, name: str) -> str | None:
        return dict(self.labels).get(name)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"alert": self.alert, "expr": self.expr.render()}
        if self.for_ is not None:
            out["for"] = self.for_.render()
        if self.labels:
            out["labels"] = dict(self.labels)
        if self.annotations:
            out["annotations"] = dict(self.annotations)
        return out


Rule = RecordingRule | AlertingRule


@dataclass(frozen=True)
class RuleGroup:
    """A named group evaluated in order; ``interval`` ``None`` uses Prometheus's global interval."""

    name: str
    rules: tuple[Rule, ...]
    interval: Duration | None = None

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("a rule group needs a name")
        object.__setattr__(self, "rules", tuple(self.rules))
        if not self.rules:
            raise ValueError(f"rule group {self.name!r} has no rules")

    @property
    def recording_rules(self) -> tuple[RecordingRule, ...]:
        return tuple(rule for rule in self.rules if isinstance(rule, RecordingRule))

    @property
    def alerting_rules(self) -> tuple[AlertingRule, ...]:
        return tuple(rule for rule in self.rules if isinstance(rule, AlertingRule))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.interval is not None:
            out["interval"] = self.interval.render()
        out["rules"] = [rule.to_dict() for rule in self.rules]
        return out

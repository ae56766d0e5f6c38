"""``promtool test rules`` files as frozen values, and the two notations they are written in.

* Input series use promtool's expanding notation: ``a+bxn`` is ``n+1`` samples ``a, a+b, ... a+nb``
  one ``interval`` apart, ``_xn`` is ``n`` missing samples. :class:`SeriesValues` builds it from
  decimal steps so counters continue exactly across segments.
* Expected alerts list labels and annotations after template expansion; :func:`expand_annotation`
  expands the two forms our rules use (``{{ $labels.x }}`` and ``{{ $value | humanize }}``).

Knows nothing about SLOs or which rules are tested.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from metrics_adapter.promql import Duration, Selector, eq

from ..rules.model import LabelSet, label_set

__all__ = [
    "AlertTest",
    "ExpectedAlert",
    "ExprTest",
    "InputSeries",
    "SeriesValues",
    "TestFile",
    "TestGroup",
    "expand_annotation",
    "format_number",
    "humanize",
]


def format_number(value: Decimal | int) -> str:
    """Plain decimal text without exponent or trailing zeros (``Decimal("1.50")`` -> ``1.5``)."""
    text = format(Decimal(value).normalize(), "f")
    return "0" if text in ("-0", "0") else text


@dataclass
class SeriesValues:
    """Builder for a series in expanding notation, one sample per test ``interval``."""

    segments: list[str] = field(default_factory=list)
    last: Decimal | None = None
    samples: int = 0

    def hold(self, value: Decimal | int, samples: int) -> SeriesValues:
        """``samples`` samples all equal to ``value``."""
        if samples > 0:
            self.segments.append(f"{format_number(value)}+0x{samples - 1}")
            self.last, self.samples = Decimal(value), self.samples + samples
        return self

    def grow(self, step: Decimal | int, samples: int) -> SeriesValues:
        """``samples`` samples, each ``step`` above the previous one (a counter at constant rate)."""
        if samples <= 0:
            return self
        start = (self.last if self.last is not None else -Decimal(step)) + Decimal(step)
        self.segments.append(f"{format_number(start)}+{format_number(step)}x{samples - 1}")
        self.last, self.samples = start + Decimal(step) * (samples - 1), self.samples + samples
        return self

    def gap(self, samples: int) -> SeriesValues:
        """``samples`` missing samples (the series is absent there)."""
        if samples > 0:
            self.segments.append(f"_x{samples}")
            self.samples += samples
        return self

    def render(self) -> str:
        if not self.segments:
            raise ValueError("a series needs at least one sample")
        return " ".join(self.segments)


@dataclass(frozen=True)
class InputSeries:
    metric: str
    labels: LabelSet
    values: str

    @classmethod
    def of(cls, metric: str, labels: Mapping[str, str], values: SeriesValues) -> InputSeries:
        return cls(metric, label_set(dict(labels)), values.render())

    def to_dict(self) -> dict[str, Any]:
        selector = Selector(self.metric, tuple(eq(name, value) for name, value in self.labels))
        return {"series": selector.render(), "values": self.values}


@dataclass(frozen=True)
class ExpectedAlert:
    labels: LabelSet
    annotations: LabelSet = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"exp_labels": dict(self.labels)}
        if self.annotations:
            out["exp_annotations"] = dict(self.annotations)
        return out


@dataclass(frozen=True)
class AlertTest:
    """The firing alerts named ``alertname`` at ``eval_time``: exactly ``expected`` (empty: none)."""

    eval_time: Duration
    alertname: str
    expected: tuple[ExpectedAlert, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "eval_time": self.eval_time.render(),
            "alertname": self.alertname,
            "exp_alerts": [alert.to_dict() for alert in self.expected],
        }


@dataclass(frozen=True)
class ExprTest:
    """``expr`` at ``eval_time`` returns exactly ``samples`` (labels, value); empty means no result."""

    expr: str
    eval_time: Duration
    samples: tuple[tuple[LabelSet, float], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "expr": self.expr,
            "eval_time": self.eval_time.render(),
            "exp_samples": [
                {"labels": _labels_text(labels), "value": float(value)} for labels, value in self.samples
            ],
        }


def _labels_text(labels: LabelSet) -> str:
    """``name{a="b"}`` or ``{a="b"}`` as promtool reads expected sample labels."""
    metric = dict(labels).get("__name__", "")
    matchers = ", ".join(eq(name, value).render() for name, value in labels if name != "__name__")
    return f"{metric}{{{matchers}}}"


@dataclass(frozen=True)
class TestGroup:
    """One scenario: input series, then assertions at chosen times (first sample at time 0)."""

    name: str
    interval: Duration
    input_series: tuple[InputSeries, ...]
    alert_tests: tuple[AlertTest, ...] = ()
    expr_tests: tuple[ExprTest, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "interval": self.interval.render(),
            "input_series": [series.to_dict() for series in self.input_series],
        }
        if self.alert_tests:
            out["alert_rule_test"] = [test.to_dict() for test in self.alert_tests]
        if self.expr_tests:
            out["promql_expr_test"] = [test.to_dict() for test in self.expr_tests]
        return out


@dataclass(frozen=True)
class TestFile:
    """A ``promtool test rules`` file; ``rule_files`` are relative to the test file's directory.

    ``group_eval_order`` fixes the order groups are evaluated in at each step (promtool otherwise
    picks an arbitrary order, which breaks rules that read other groups' recordings).
    """

    rule_files: tuple[str, ...]
    evaluation_interval: Duration
    groups: tuple[TestGroup, ...]
    group_eval_order: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule_files": list(self.rule_files),
            "evaluation_interval": self.evaluation_interval.render(),
        }
        if self.group_eval_order:
            out["group_eval_order"] = list(self.group_eval_order)
        out["tests"] = [group.to_dict() for group in self.groups]
        return out


_LABEL_REF = re.compile(r"\{\{ \$labels\.([a-zA-Z_][a-zA-Z0-9_]*) \}\}")
_VALUE_REF = "{{ $value | humanize }}"
_PREFIXES = ("", "k", "M", "G", "T", "P", "E", "Z", "Y")


def humanize(value: float) -> str:
    """Prometheus's ``humanize`` for 0 and values of magnitude >= 1 (``%.4g`` with k, M, G... prefixes)."""
    if value != 0 and abs(value) < 1:
        raise ValueError(f"humanize of {value!r} (|v| < 1) is not modelled")
    prefix = 0
    while abs(value) >= 1000 and prefix < len(_PREFIXES) - 1:
        value, prefix = value / 1000, prefix + 1
    return f"{value:.4g}{_PREFIXES[prefix]}"


def expand_annotation(template: str, labels: Mapping[str, str], value: float | None = None) -> str:
    """Expand ``{{ $labels.x }}`` and ``{{ $value | humanize }}``; other template actions are refused."""
    text = _LABEL_REF.sub(lambda match: labels.get(match.group(1), ""), template)
    if _VALUE_REF in text:
        if value is None:
            raise ValueError(f"annotation {template!r} needs the alert's value")
        text = text.replace(_VALUE_REF, humanize(value))
    if "{{" in text:
        raise ValueError(f"annotation {template!r} uses a template action that cannot be predicted")
    return text

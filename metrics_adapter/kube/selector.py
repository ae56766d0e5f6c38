"""Kubernetes label selectors as values: operators, requirements, matching and rendering.

A ``LabelSelector`` is a frozen conjunction of ``Requirement``s sorted by key, as apimachinery's
``internalSelector``. Requirements validate themselves as ``labels.NewRequirement`` does (key
is a qualified name, values are label values, value counts fit the operator), match label sets
as ``Requirement.Matches`` does, and render back to the canonical string of ``String()``. Other
modules read the requirements to translate them into PromQL matchers. Parsing selector strings
lives in ``selector_parser``.

The same selector also reads as a ``metav1.LabelSelector``: ``match_labels`` are its ``=``/``==``
requirements and ``match_expressions`` the others, spelled with the ``metav1`` operator names of
``METAV1_OPERATORS`` (``In``, ``NotIn``, ``Exists``, ``DoesNotExist``); ``go_string`` prints it as
Go's ``%+v`` prints a ``*metav1.LabelSelector`` in controller messages.

This module knows nothing of PromQL, HTTP or pydantic.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from metrics_adapter.kube.errors import SelectorError
from metrics_adapter.kube.labels import label_key_errors, label_value_errors

__all__ = ["METAV1_OPERATORS", "LabelSelector", "Metav1Operator", "Operator", "Requirement", "go_string"]


class Operator(StrEnum):
    """Selector operators, spelled as apimachinery's ``selection.Operator`` constants."""

    EQUALS = "="
    DOUBLE_EQUALS = "=="
    NOT_EQUALS = "!="
    IN = "in"
    NOT_IN = "notin"
    EXISTS = "exists"
    DOES_NOT_EXIST = "!"
    GREATER_THAN = "gt"
    LESS_THAN = "lt"


EXACT_OPERATORS = frozenset({Operator.EQUALS, Operator.DOUBLE_EQUALS, Operator.NOT_EQUALS})
SET_OPERATORS = frozenset({Operator.IN, Operator.NOT_IN})
_NUMERIC = frozenset({Operator.GREATER_THAN, Operator.LESS_THAN})
_INFIX = {
    Operator.EQUALS: "=",
    Operator.DOUBLE_EQUALS: "==",
    Operator.NOT_EQUALS: "!=",
    Operator.IN: " in ",
    Operator.NOT_IN: " notin ",
    Operator.GREATER_THAN: ">",
    Operator.LESS_THAN: "<",
}
# metav1.LabelSelectorOperator names of the operators a matchExpressions entry can carry
# (``!=`` is written as NotIn of one value).
Metav1Operator = Literal["In", "NotIn", "Exists", "DoesNotExist"]
METAV1_OPERATORS: dict[Operator, Metav1Operator] = {
    Operator.IN: "In",
    Operator.NOT_IN: "NotIn",
    Operator.NOT_EQUALS: "NotIn",
    Operator.EXISTS: "Exists",
    Operator.DOES_NOT_EXIST: "DoesNotExist",
}
_LABEL_OPERATORS = frozenset({Operator.EQUALS, Operator.DOUBLE_EQUALS})
_INT64 = re.compile(r"[+-]?[0-9]+")
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def _parse_int64(text: str) -> int | None:
    """``strconv.ParseInt(text, 10, 64)``: an optional sign and ASCII digits, within int64."""
    if not _INT64.fullmatch(text):
        return None
    number = int(text)
    return number if _INT64_MIN <= number <= _INT64_MAX else None


@dataclass(frozen=True, slots=True)
class Requirement:
    """One ``key <operator> values`` term; ``values`` is sorted and free of duplicates."""

    key: str
    operator: Operator
    values: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        problems = [f"key {self.key!r}: {problem}" for problem in label_key_errors(self.key)]
        count = len(self.values)
        if self.operator in SET_OPERATORS and count == 0:
            problems.append("for 'in', 'notin' operators, values set can't be empty")
        elif self.operator in EXACT_OPERATORS and count != 1:
            problems.append("exact-match compatibility requires one single value")
        elif self.operator in (Operator.EXISTS, Operator.DOES_NOT_EXIST) and count != 0:
            problems.append("values set must be empty for exists and does not exist")
        elif self.operator in _NUMERIC:
            if count != 1:
                problems.append("for 'Gt', 'Lt' operators, exactly one value is required")
            problems.extend(
                f"value {value!r}: for 'Gt', 'Lt' operators, the value must be an integer"
                for value in self.values
                if _parse_int64(value) is None
            )
        for value in self.values:
            problems.extend(f"value {value!r}: {problem}" for problem in label_value_errors(value))
        if problems:
            raise SelectorError("; ".join(problems))
        object.__setattr__(self, "values", tuple(sorted(set(self.values))))

    def matches(self, labels: Mapping[str, str]) -> bool:
        """Whether a label set satisfies this requirement (apimachinery ``Requirement.Matches``)."""
        present = self.key in labels
        match self.operator:
            case Operator.EQUALS | Operator.DOUBLE_EQUALS | Operator.IN:
                return present and labels[self.key] in self.values
            case Operator.NOT_EQUALS | Operator.NOT_IN:
                return not present or labels[self.key] not in self.values
            case Operator.EXISTS:
                return present
            case Operator.DOES_NOT_EXIST:
                return not present
            case Operator.GREATER_THAN | Operator.LESS_THAN:
                actual = _parse_int64(labels[self.key]) if present else None
                bound = _parse_int64(self.values[0])
                if actual is None or bound is None:
                    return False
                return actual > bound if self.operator is Operator.GREATER_THAN else actual < bound

    def __str__(self) -> str:
        prefix = "!" if self.operator is Operator.DOES_NOT_EXIST else ""
        if self.operator in (Operator.EXISTS, Operator.DOES_NOT_EXIST):
            return f"{prefix}{self.key}"
        joined = ",".join(self.values)
        if self.operator in SET_OPERATORS:
            joined = f"({joined})"
        return f"{self.key}{_INFIX[self.operator]}{joined}"


@dataclass(frozen=True, slots=True)
class LabelSelector:
    """A conjunction of requirements, sorted by key; the empty selector matches everything."""

    requirements: tuple[Requirement, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "requirements", tuple(sorted(self.requirements, key=lambda r: r.key)))

    @classmethod
    def from_labels(cls, labels: Mapping[str, str]) -> LabelSelector:
        """The selector ``k1=v1,k2=v2`` matching exactly these labels (validated)."""
        return cls(tuple(Requirement(key, Operator.EQUALS, (value,)) for key, value in labels.items()))

    @property
    def is_empty(self) -> bool:
        return not self.requirements

    @property
    def match_labels(self) -> tuple[tuple[str, str], ...]:
        """The ``metav1.LabelSelector`` ``matchLabels``: the ``=``/``==`` requirements, by key."""
        return tuple((r.key, r.values[0]) for r in self.requirements if r.operator in _LABEL_OPERATORS)

    @property
    def match_expressions(self) -> tuple[Requirement, ...]:
        """The ``metav1.LabelSelector`` ``matchExpressions``: every other requirement, by key."""
        return tuple(r for r in self.requirements if r.operator not in _LABEL_OPERATORS)

    def matches(self, labels: Mapping[str, str]) -> bool:
        return all(requirement.matches(labels) for requirement in self.requirements)

    def __iter__(self) -> Iterator[Requirement]:
        return iter(self.requirements)

    def __str__(self) -> str:
        return ",".join(str(requirement) for requirement in self.requirements)


def go_string(selector: LabelSelector | None) -> str:
    """The text of ``fmt.Sprintf("%+v", selector)`` for a ``*metav1.LabelSelector``."""
    if selector is None:
        return "nil"
    labels = "".join(f"{key}: {value}," for key, value in selector.match_labels)
    expressions = "".join(
        f"LabelSelectorRequirement{{Key:{req.key},"
        f"Operator:{METAV1_OPERATORS.get(req.operator, req.operator)},Values:[{' '.join(req.values)}],}},"
        for req in selector.match_expressions
    )
    return (
        f"&LabelSelector{{MatchLabels:map[string]string{{{labels}}},"
        f"MatchExpressions:[]LabelSelectorRequirement{{{expressions}}},}}"
    )

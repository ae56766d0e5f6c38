"""Label selectors: the scale subresource's selector string and ``metav1.LabelSelector`` objects.

``parse_selector`` reads the string form of ``scale.status.selector`` (``labels.Parse`` syntax:
``a=b``, ``a==b``, ``a!=b``, ``a in (x,y)``, ``a notin (x)``, ``a``, ``!a``, comma-separated, all
required). ``LabelSelector`` is the structured form used by metric selectors (``matchLabels`` and
``matchExpressions`` with ``In``, ``NotIn``, ``Exists``, ``DoesNotExist``). ``go_string`` renders a
``LabelSelector`` the way Go's ``%+v`` prints ``*metav1.LabelSelector`` in the controller's messages.

This module knows nothing of pods or metrics.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["LabelSelector", "Requirement", "Selector", "SelectorError", "go_string", "parse_selector"]

_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")
_KEY = r"[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?"
_VALUE = r"([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?"
_KEY_RE = re.compile(f"^{_KEY}$")
_VALUE_RE = re.compile(f"^{_VALUE}$")
_SET_RE = re.compile(r"^(?P<key>[^\s!=()]+)\s+(?P<op>in|notin)\s*\((?P<values>[^()]*)\)$")
_EQ_RE = re.compile(r"^(?P<key>[^\s!=()]+)\s*(?P<op>==|=|!=)\s*(?P<value>[^\s!=(),]*)$")


class SelectorError(ValueError):
    """A selector that cannot be parsed."""


@dataclass(frozen=True, slots=True)
class Requirement:
    """One ``key operator values`` clause; ``operator`` is one of In, NotIn, Exists, DoesNotExist."""

    key: str
    operator: str
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        if self.operator == "In":
            return self.key in labels and labels[self.key] in self.values
        if self.operator == "NotIn":
            return self.key not in labels or labels[self.key] not in self.values
        if self.operator == "Exists":
            return self.key in labels
        return self.key not in labels


@dataclass(frozen=True, slots=True)
class Selector:
    """A conjunction of requirements; the empty selector matches everything."""

    requirements: tuple[Requirement, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        return all(requirement.matches(labels) for requirement in self.requirements)


def _checked_key(key: str) -> str:
    if not _KEY_RE.match(key) or len(key.rsplit("/", 1)[-1]) > 63:
        raise SelectorError(f"invalid label key {key!r}")
    return key


def _checked_value(value: str) -> str:
    if not _VALUE_RE.match(value) or len(value) > 63:
        raise SelectorError(f"invalid label value: {value!r}")
    return value


def _split_clauses(text: str) -> list[str]:
    clauses: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            clauses.append(text[start:index])
            start = index + 1
    clauses.append(text[start:])
    return [clause.strip() for clause in clauses]


def _parse_clause(clause: str) -> Requirement:
    if not clause:
        raise SelectorError("found ',', expected: identifier")
    set_match = _SET_RE.match(clause)
    if set_match:
        values = tuple(sorted({_checked_value(v.strip()) for v in set_match["values"].split(",")}))
        operator = "In" if set_match["op"] == "in" else "NotIn"
        return Requirement(_checked_key(set_match["key"]), operator, values)
    eq_match = _EQ_RE.match(clause)
    if eq_match:
        operator = "NotIn" if eq_match["op"] == "!=" else "In"
        return Requirement(_checked_key(eq_match["key"]), operator, (_checked_value(eq_match["value"]),))
    if clause.startswith("!"):
        return Requirement(_checked_key(clause[1:].strip()), "DoesNotExist")
    return Requirement(_checked_key(clause), "Exists")


def parse_selector(text: str) -> Selector:
    """Parse the ``labels.Parse`` string form; an empty string selects everything."""
    if not text.strip():
        return Selector()
    return Selector(tuple(_parse_clause(clause) for clause in _split_clauses(text)))


@dataclass(frozen=True, slots=True)
class LabelSelector:
    """``metav1.LabelSelector``: ``match_labels`` and ``match_expressions`` must all hold."""

    match_labels: tuple[tuple[str, str], ...] = ()
    match_expressions: tuple[Requirement, ...] = field(default=())

    def matches(self, labels: Mapping[str, str]) -> bool:
        return all(labels.get(key) == value for key, value in self.match_labels) and all(
            requirement.matches(labels) for requirement in self.match_expressions
        )


def selector_string(selector: LabelSelector) -> str:
    """The query-string form the controller sends (``metav1.LabelSelectorAsSelector(...).String()``):
    clauses sorted by key, ``k=v``, ``k in (a,b)``, ``k notin (a,b)``, ``k``, ``!k``."""
    clauses: list[tuple[str, str]] = [(key, f"{key}={value}") for key, value in selector.match_labels]
    for req in selector.match_expressions:
        values = ",".join(sorted(req.values))
        text = {
            "In": f"{req.key} in ({values})",
            "NotIn": f"{req.key} notin ({values})",
            "Exists": req.key,
            "DoesNotExist": f"!{req.key}",
        }[req.operator]
        clauses.append((req.key, text))
    return ",".join(text for _, text in sorted(clauses))


def go_string(selector: LabelSelector | None) -> str:
    """The text of ``fmt.Sprintf("%+v", selector)`` for a ``*metav1.LabelSelector``."""
    if selector is None:
        return "nil"
    labels = "".join(f"{key}: {value}," for key, value in sorted(selector.match_labels))
    expressions = "".join(
        f"LabelSelectorRequirement{{Key:{req.key},Operator:{req.operator},Values:[{' '.join(req.values)}],}},"
        for req in selector.match_expressions
    )
    return (
        f"&LabelSelector{{MatchLabels:map[string]string{{{labels}}},"
        f"MatchExpressions:[]LabelSelectorRequirement{{{expressions}}},}}"
    )

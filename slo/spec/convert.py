"""Conversion helpers shared by the spec importers: field-located errors and common value types.

Every helper raises :class:`~slo.spec.errors.FieldError` naming the field it was given, so each
importer reports problems in its own format's terms (``window.rolling``, ``spec.timeWindow[0]``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..budget import BudgetPolicyStep
from ..objective import Objective
from .errors import FieldError, SpecError, SpecIssue, issues_from_validation
from .model import SLO, Labels, freeze_labels

__all__ = [
    "at_field",
    "check_unique",
    "labels_at",
    "objective_at",
    "policy_at",
    "validate_model",
]

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


def at_field(field: str, build: Callable[[], T]) -> T:
    """Run ``build``; a ``ValueError`` (not already located) becomes a :class:`FieldError` at ``field``."""
    try:
        return build()
    except FieldError:
        raise
    except ValueError as exc:
        raise FieldError(field, str(exc)) from exc


def validate_model(model: type[M], data: Any, *, where: str, prefix: str = "") -> M:
    """Validate with pydantic; failures become a :class:`SpecError` located at ``where``/``prefix``."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise SpecError(issues_from_validation(exc, where=where, prefix=prefix)) from exc


def labels_at(field: str, labels: Mapping[str, str] | None) -> Labels:
    return at_field(field, lambda: freeze_labels(labels))


def objective_at(field: str, *, percent: Decimal | None = None, ratio: Decimal | None = None) -> Objective:
    if percent is not None:
        return at_field(field, lambda: Objective.from_percent(percent))
    if ratio is not None:
        return at_field(field, lambda: Objective.from_ratio(ratio))
    raise FieldError(field, "required")


def _policy_step(field: str, fraction: Decimal, action: str) -> BudgetPolicyStep:
    return at_field(field, lambda: BudgetPolicyStep(fraction, action))


def policy_at(field: str, steps: Sequence[tuple[Decimal, str]]) -> tuple[BudgetPolicyStep, ...]:
    """Policy steps sorted by burned fraction; duplicates are an error."""
    built = [
        _policy_step(f"{field}[{index}]", fraction, action) for index, (fraction, action) in enumerate(steps)
    ]
    fractions = [step.burned_fraction for step in built]
    if len(set(fractions)) != len(fractions):
        raise FieldError(field, "burnedFraction values must be distinct")
    return tuple(sorted(built, key=lambda step: step.burned_fraction))


def check_unique(slos: Sequence[tuple[str, SLO]]) -> list[SpecIssue]:
    """One issue per SLO whose ``service``/``name`` repeats an earlier one (pairs of ``where`` and SLO)."""
    first: dict[str, str] = {}
    issues = []
    for where, slo in slos:
        if slo.slo_id in first:
            issues.append(
                SpecIssue(where, "name", f"duplicate SLO {slo.slo_id!r} (first at {first[slo.slo_id]})")
            )
        else:
            first[slo.slo_id] = where
    return issues

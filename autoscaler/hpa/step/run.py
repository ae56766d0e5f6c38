"""``hpa step`` end to end: a decoded input document -> one reconcile -> its JSON or explanation.

The only place where the JSON edge and the algorithm meet; it reads no file and no clock (``now``
comes from the document). This module knows nothing of the command line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from autoscaler.hpa.reconcile import reconcile
from autoscaler.hpa.status.explain import explain
from autoscaler.hpa.status.result import ReconcileResult
from autoscaler.hpa.step.document import StepInput, parse_step_input
from autoscaler.hpa.step.render import render_result

__all__ = ["StepOutcome", "explain_step", "run_step", "step_document"]


@dataclass(frozen=True, slots=True)
class StepOutcome:
    input: StepInput
    result: ReconcileResult


def run_step(document: Mapping[str, Any]) -> StepOutcome:
    """Parse ``document`` (raises ``InputError``) and run one reconcile cycle."""
    step_input = parse_step_input(document)
    result = reconcile(
        step_input.hpa,
        scale=step_input.scale,
        pods=step_input.pods,
        reader=step_input.reader,
        state=step_input.state,
        now=step_input.now,
        config=step_input.config,
    )
    return StepOutcome(step_input, result)


def step_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """The ``hpa step`` output document for an input document."""
    return render_result(run_step(document).result)


def explain_step(document: Mapping[str, Any]) -> list[str]:
    """The ``hpa explain`` lines for an input document."""
    outcome = run_step(document)
    return explain(outcome.result, outcome.input.hpa)

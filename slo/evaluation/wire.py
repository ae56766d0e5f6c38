"""The JSON form of an evaluation, for ``GET /slo/v1/status`` and ``servescale slo status --format json``.

Pydantic models with camelCase field names; fractions are ratios (0.25 = 25 %), durations seconds,
instants ISO 8601. ``null`` means "not measured" (e.g. the SLI without traffic). Built only from
:mod:`slo.evaluation.model`; knows nothing about HTTP.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from ..objective import format_decimal
from ..window import RollingWindow, render_seconds
from .model import Evaluation, Measurement, SLOStatus, TierStatus, WindowBurn

__all__ = [
    "EvaluationModel",
    "MeasurementModel",
    "StatusModel",
    "evaluation_document",
    "measurement_document",
    "status_document",
]


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)


class WindowModel(_Model):
    kind: str
    text: str
    start: datetime
    end: datetime
    seconds: float
    elapsed_fraction: float


class BudgetModel(_Model):
    ratio: float
    total_minutes: float
    consumed: float
    consumed_minutes: float
    remaining: float
    remaining_minutes: float


class BurnModel(_Model):
    window: str
    seconds: int
    error_ratio: float | None
    burn_rate: float
    events: float | None


class TierModel(_Model):
    tier: str
    severity: str
    long_window: str
    short_window: str
    factor: float
    long_burn_rate: float
    short_burn_rate: float
    firing: bool


class PolicyModel(_Model):
    state: str
    action: str | None
    burned_fraction: float | None


class MeasurementModel(_Model):
    group: dict[str, str]
    sli: float | None
    good_events: float | None
    bad_events: float | None
    total_events: float | None
    error_budget: BudgetModel
    window_burn_rate: float
    current_burn_rate: float
    burn_rates: list[BurnModel]
    alerts: list[TierModel]
    alerting: bool
    time_to_exhaustion_seconds: float | None
    policy: PolicyModel


class StatusModel(_Model):
    name: str
    service: str
    slo_id: str
    description: str | None
    objective: float
    objective_percent: str
    at: datetime
    window: WindowModel
    unit: str | None
    error: str | None
    measurement: MeasurementModel | None
    groups: list[MeasurementModel]


class EvaluationModel(_Model):
    at: datetime
    queries: int
    slos: list[StatusModel]


def _burn(burn: WindowBurn) -> BurnModel:
    return BurnModel(
        window=render_seconds(burn.seconds),
        seconds=burn.seconds,
        error_ratio=burn.error_ratio,
        burn_rate=burn.burn_rate,
        events=burn.events,
    )


def _tier(status: TierStatus) -> TierModel:
    tier = status.tier
    return TierModel(
        tier=tier.tier_id,
        severity=str(tier.severity),
        long_window=tier.long_window_text,
        short_window=tier.short_window_text,
        factor=float(tier.factor),
        long_burn_rate=status.long.burn_rate,
        short_burn_rate=status.short.burn_rate,
        firing=status.firing,
    )


def measurement_document(measurement: Measurement) -> MeasurementModel:
    budget, step = measurement.budget, measurement.status.step
    return MeasurementModel(
        group=dict(measurement.group),
        sli=measurement.sli,
        good_events=measurement.good,
        bad_events=measurement.bad,
        total_events=measurement.total,
        error_budget=BudgetModel(
            ratio=float(budget.budget_ratio),
            total_minutes=budget.budget_minutes,
            consumed=budget.consumed,
            consumed_minutes=budget.consumed_minutes,
            remaining=budget.remaining,
            remaining_minutes=budget.remaining_minutes,
        ),
        window_burn_rate=budget.burn_rate,
        current_burn_rate=measurement.current_burn_rate,
        burn_rates=[_burn(burn) for burn in measurement.burn_rates],
        alerts=[_tier(tier) for tier in measurement.tiers],
        alerting=measurement.alerting,
        time_to_exhaustion_seconds=measurement.time_to_exhaustion,
        policy=PolicyModel(
            state=str(measurement.status.state),
            action=None if step is None else step.action,
            burned_fraction=None if step is None else float(step.burned_fraction),
        ),
    )


def status_document(status: SLOStatus) -> StatusModel:
    slo, span = status.slo, status.span
    return StatusModel(
        name=slo.name,
        service=slo.service,
        slo_id=slo.slo_id,
        description=slo.description,
        objective=float(slo.objective.ratio),
        objective_percent=format_decimal(slo.objective.percent),
        at=status.at,
        window=WindowModel(
            kind="rolling" if isinstance(slo.window, RollingWindow) else "calendar",
            text=slo.window.render(),
            start=span.start,
            end=span.end,
            seconds=span.seconds,
            elapsed_fraction=span.elapsed_fraction,
        ),
        unit=None if status.unit is None else str(status.unit),
        error=status.error,
        measurement=None if status.overall is None else measurement_document(status.overall),
        groups=[measurement_document(group) for group in status.groups],
    )


def evaluation_document(evaluation: Evaluation) -> EvaluationModel:
    return EvaluationModel(
        at=evaluation.at,
        queries=evaluation.queries,
        slos=[status_document(status) for status in evaluation.statuses],
    )

"""The JSON SLO report (schema ``servescale.slo-report/v1``): one entry per SLO, slo-generator's fields
and ours, all computed at the requested instant.

Top level::

    {"schema_version": "servescale.slo-report/v1",
     "timestamp": <at, Unix s>, "timestamp_human": <at, ISO 8601>,
     "period": {"kind": "window" | "month", "month": "2026-10" | null},
     "reports": [<SLO report>, ...]}

SLO report (ratios in [0, 1] unless said; ``null`` = not measured, e.g. no traffic):

- identity: ``service_name``, ``feature_name`` (the SLO name, as slo-generator's per-feature SLOs),
  ``slo_name``, ``slo_id`` (``<service>-<name>``), ``slo_description``, ``labels``;
- target: ``slo_target`` (0.999), ``error_budget_target`` (``1 - slo_target``);
- window: ``window`` (full window length, s), ``window_kind`` (rolling|calendar|month),
  ``window_text``, ``window_start``/``window_end`` (ISO), ``elapsed_fraction``, ``budgeting_method``
  (occurrences|timeslices), ``unit`` (events|slices|null for raw ratios);
- measurement: ``sli_measurement``, ``events_count``, ``good_events_count``, ``bad_events_count``,
  ``gap`` (``sli - target``), ``error_budget_measurement`` (``1 - sli``);
- budget: ``error_budget_burn_rate`` (error ratio / budget over the elapsed window),
  ``error_budget_consumed_ratio``, ``error_budget_remaining_ratio`` (negative when overspent),
  ``error_budget_minutes`` (window x budget), ``error_minutes`` (consumed, as time),
  ``error_budget_remaining_minutes``;
- alerting: ``current_burn_rate`` (shortest long alert window), ``burn_rates`` [{``window``, ``seconds``,
  ``error_ratio``, ``burn_rate``}], ``alerts`` [{``tier``, ``severity``, ``long_window``,
  ``short_window``, ``factor``, ``long_burn_rate``, ``short_burn_rate``, ``firing``}], ``alert`` (any
  tier firing), ``time_to_exhaustion_seconds``;
- policy: ``policy_state`` (ok|warning|exhausted), ``consequence_message`` (the reached policy
  step's action, or null);
- ``timestamp`` / ``timestamp_human``: the evaluation instant ``at`` (never the time of writing);
- ``groups``: per label set of a grouped SLO {``labels``, ``sli_measurement``, ``events_count``,
  ``good_events_count``, ``bad_events_count``, ``error_budget_burn_rate``,
  ``error_budget_remaining_ratio``};
- ``valid`` and ``errors``: false and the reasons when the SLO could not be measured.

:func:`report_json_schema` returns the JSON Schema of this document. Knows the evaluation model.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ..evaluation import Evaluation, Measurement, SLOStatus
from ..evaluation.wire import measurement_document
from ..spec.model import Timeslices
from ..window import RollingWindow

__all__ = ["SCHEMA_VERSION", "ReportDocument", "SLOReport", "build_report", "report_json_schema"]

SCHEMA_VERSION = "servescale.slo-report/v1"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class BurnEntry(_Model):
    window: str
    seconds: int
    error_ratio: float | None
    burn_rate: float


class AlertEntry(_Model):
    tier: str
    severity: str
    long_window: str
    short_window: str
    factor: float
    long_burn_rate: float
    short_burn_rate: float
    firing: bool


class GroupEntry(_Model):
    labels: dict[str, str]
    sli_measurement: float | None
    events_count: float | None
    good_events_count: float | None
    bad_events_count: float | None
    error_budget_burn_rate: float
    error_budget_remaining_ratio: float


class SLOReport(_Model):
    service_name: str
    feature_name: str
    slo_name: str
    slo_id: str
    slo_description: str | None
    labels: dict[str, str]
    slo_target: float
    error_budget_target: float
    window: float
    window_kind: Literal["rolling", "calendar", "month"]
    window_text: str
    window_start: str
    window_end: str
    elapsed_fraction: float
    budgeting_method: Literal["occurrences", "timeslices"]
    unit: str | None
    sli_measurement: float | None = None
    events_count: float | None = None
    good_events_count: float | None = None
    bad_events_count: float | None = None
    gap: float | None = None
    error_budget_measurement: float | None = None
    error_budget_burn_rate: float | None = None
    error_budget_consumed_ratio: float | None = None
    error_budget_remaining_ratio: float | None = None
    error_budget_minutes: float | None = None
    error_minutes: float | None = None
    error_budget_remaining_minutes: float | None = None
    current_burn_rate: float | None = None
    burn_rates: list[BurnEntry] = []
    alerts: list[AlertEntry] = []
    alert: bool = False
    time_to_exhaustion_seconds: float | None = None
    policy_state: str | None = None
    consequence_message: str | None = None
    timestamp: float
    timestamp_human: str
    groups: list[GroupEntry] = []
    valid: bool = True
    errors: list[str] = []


class Period(_Model):
    kind: Literal["window", "month"]
    month: str | None = None


class ReportDocument(_Model):
    schema_version: str = SCHEMA_VERSION
    timestamp: float
    timestamp_human: str
    period: Period
    reports: list[SLOReport]


def _group(measurement: Measurement) -> GroupEntry:
    return GroupEntry(
        labels=dict(measurement.group),
        sli_measurement=measurement.sli,
        events_count=measurement.total,
        good_events_count=measurement.good,
        bad_events_count=measurement.bad,
        error_budget_burn_rate=measurement.budget.burn_rate,
        error_budget_remaining_ratio=measurement.budget.remaining,
    )


def _measured(measurement: Measurement, target: float) -> dict[str, Any]:
    budget, wire = measurement.budget, measurement_document(measurement)
    sli = measurement.sli
    return {
        "sli_measurement": sli,
        "events_count": measurement.total,
        "good_events_count": measurement.good,
        "bad_events_count": measurement.bad,
        "gap": None if sli is None else sli - target,
        "error_budget_measurement": None if sli is None else 1 - sli,
        "error_budget_burn_rate": budget.burn_rate,
        "error_budget_consumed_ratio": budget.consumed,
        "error_budget_remaining_ratio": budget.remaining,
        "error_budget_minutes": budget.budget_minutes,
        "error_minutes": budget.consumed_minutes,
        "error_budget_remaining_minutes": budget.remaining_minutes,
        "current_burn_rate": measurement.current_burn_rate,
        "burn_rates": [BurnEntry(**b.model_dump(exclude={"events"})) for b in wire.burn_rates],
        "alerts": [AlertEntry(**a.model_dump()) for a in wire.alerts],
        "alert": measurement.alerting,
        "time_to_exhaustion_seconds": measurement.time_to_exhaustion,
        "policy_state": str(measurement.status.state),
        "consequence_message": None if measurement.status.step is None else measurement.status.step.action,
    }


def slo_report(status: SLOStatus, *, month: bool = False) -> SLOReport:
    slo, span = status.slo, status.span
    target = float(slo.objective.ratio)
    kind: Literal["rolling", "calendar", "month"] = (
        "month" if month else "rolling" if isinstance(slo.window, RollingWindow) else "calendar"
    )
    measured = {} if status.overall is None else _measured(status.overall, target)
    return SLOReport(
        service_name=slo.service,
        feature_name=slo.name,
        slo_name=slo.name,
        slo_id=slo.slo_id,
        slo_description=slo.description,
        labels=slo.label_map,
        slo_target=target,
        error_budget_target=float(slo.objective.error_budget),
        window=span.seconds,
        window_kind=kind,
        window_text=f"{span.start:%Y-%m}" if month else slo.window.render(),
        window_start=span.start.isoformat(),
        window_end=span.end.isoformat(),
        elapsed_fraction=span.elapsed_fraction,
        budgeting_method="timeslices" if isinstance(slo.budgeting, Timeslices) else "occurrences",
        unit=None if status.unit is None else str(status.unit),
        timestamp=status.at.timestamp(),
        timestamp_human=status.at.isoformat(),
        groups=[_group(group) for group in status.groups],
        valid=status.error is None,
        errors=[] if status.error is None else [status.error],
        **measured,
    )


def build_report(evaluation: Evaluation, *, month: str | None = None) -> ReportDocument:
    """The report of ``evaluation``; ``month`` (``"2026-10"``) when it covers a calendar month."""
    return ReportDocument(
        timestamp=evaluation.at.timestamp(),
        timestamp_human=evaluation.at.isoformat(),
        period=Period(kind="month" if month else "window", month=month),
        reports=[slo_report(status, month=month is not None) for status in evaluation.statuses],
    )


def report_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of :class:`ReportDocument`."""
    return ReportDocument.model_json_schema()

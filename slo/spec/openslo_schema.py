"""Pydantic schema of the OpenSLO v1 objects we import (``apiVersion: openslo/v1``).

Kinds: SLO, SLI, AlertPolicy, AlertCondition, AlertNotificationTarget, Service, DataSource. Field
names follow the specification (camelCase); unknown fields are errors so nothing is silently ignored.
Metric sources keep their free-form ``spec`` (for Prometheus: ``spec.query``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel

__all__ = [
    "KINDS",
    "AlertConditionSpec",
    "AlertPolicySpec",
    "DataSourceSpec",
    "InlineObject",
    "Metadata",
    "MetricHolder",
    "ObjectiveModel",
    "OpenSLOObject",
    "SLISpec",
    "SLOSpec",
    "TimeWindowModel",
]

KINDS = ("SLO", "SLI", "AlertPolicy", "AlertCondition", "AlertNotificationTarget", "Service", "DataSource")


def _none_is_empty(value: Any) -> Any:
    return [] if value is None else value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, populate_by_name=True, frozen=True)


class Metadata(_Model):
    name: str = Field(min_length=1, max_length=63)
    display_name: str | None = None
    labels: dict[str, str | list[str]] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)


class OpenSLOObject(_Model):
    api_version: str
    kind: str
    metadata: Metadata
    spec: dict[str, Any]


class InlineObject(_Model):
    """An object written inline inside another (``indicator``, inline conditions and targets)."""

    kind: str | None = None
    metadata: Metadata
    spec: dict[str, Any]


class MetricSource(_Model):
    metric_source_ref: str | None = None
    type: str | None = None
    spec: dict[str, Any] = Field(default_factory=dict)


class MetricHolder(_Model):
    metric_source: MetricSource


class RatioMetric(_Model):
    counter: bool | None = None
    good: MetricHolder | None = None
    bad: MetricHolder | None = None
    total: MetricHolder | None = None
    raw_type: Literal["success", "failure"] | None = None
    raw: MetricHolder | None = None


class SLISpec(_Model):
    description: str | None = Field(default=None, max_length=1050)
    threshold_metric: MetricHolder | None = None
    ratio_metric: RatioMetric | None = None


class CalendarModel(_Model):
    start_time: datetime | str  # YAML reads an unquoted "2024-01-01 00:00:00" as a timestamp
    time_zone: str


class TimeWindowModel(_Model):
    duration: str
    is_rolling: bool | None = None
    calendar: CalendarModel | None = None


class ObjectiveModel(_Model):
    display_name: str | None = None
    op: Literal["lte", "gte", "lt", "gt"] | None = None
    value: Decimal | None = None
    target: Decimal | None = None
    target_percent: Decimal | None = None
    time_slice_target: Decimal | None = Field(default=None, gt=0, le=1)
    time_slice_window: int | str | None = None
    indicator: dict[str, Any] | None = None
    indicator_ref: str | None = None
    composite_weight: Decimal | None = None


class SLOSpec(_Model):
    description: str | None = Field(default=None, max_length=1050)
    service: str = Field(min_length=1)
    indicator: InlineObject | None = None
    indicator_ref: str | None = None
    time_window: list[TimeWindowModel] | None = Field(default=None, min_length=1, max_length=1)
    budgeting_method: Literal["Occurrences", "Timeslices", "RatioTimeslices"]
    objectives: list[ObjectiveModel] = Field(min_length=1)
    # ``alertPolicies:`` written with nothing under it (as in OpenSLO's own examples) means none.
    alert_policies: Annotated[list[dict[str, Any]], BeforeValidator(_none_is_empty)] = Field(
        default_factory=list
    )


class ConditionModel(_Model):
    kind: Literal["burnrate"] = "burnrate"
    op: Literal["lte", "gte", "lt", "gt"]
    threshold: Decimal = Field(gt=0)
    lookback_window: str
    alert_after: str | None = None


class AlertConditionSpec(_Model):
    description: str | None = Field(default=None, max_length=1050)
    severity: str = Field(min_length=1)
    condition: ConditionModel


class AlertPolicySpec(_Model):
    description: str | None = Field(default=None, max_length=1050)
    alert_when_no_data: bool = False
    alert_when_resolved: bool = False
    alert_when_breaching: bool = True
    conditions: list[dict[str, Any]] = Field(min_length=1, max_length=1)
    notification_targets: list[dict[str, Any]] = Field(default_factory=list)


class DataSourceSpec(_Model):
    description: str | None = None
    type: str = Field(min_length=1)
    connection_details: Any = None

"""Pydantic schema of ServeScale's own SLO file format (the edge; converted by :mod:`slo.spec.native`).

```yaml
apiVersion: servescale/v1          # optional
slos:
  - name: llama-availability
    service: llama
    description: ...               # optional
    labels: {team: ml}             # optional, Prometheus label names
    objective: 99.5                # a PERCENT, 0 < objective < 100
    window: {rolling: 30d}         # or {calendar: month|quarter, timeZone: Europe/Berlin}
    budgeting: {method: occurrences}   # or {method: timeslices, sliceWindow: 1m, sliceTarget: 0.95}
    sli: {kind: availability|latency|threshold|ratio, ...}
    alerting: {name?, page: {enabled?, runbook?, labels?, annotations?}, ticket: {...},
               minEvents?, labels?, annotations?,
               windows?: [{severity: page|ticket, longWindow: 1h, shortWindow?: 5m,
                           burnRate: 14.4 | budgetConsumedPercent: 2, for?: 2m}]}
    budgetPolicy: [{burnedFraction: 0.5, action: "..."}]
```
Without ``alerting.windows`` an SLO gets the Workbook tiers of its period; with them, exactly those
tiers (``shortWindow`` defaults to a twelfth of ``longWindow``). Unknown fields are errors. Field names
are camelCase in YAML.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from .sli import DEFAULT_LATENCY_METRIC, CodePolicy, Comparison, HistogramKind, Reporter

__all__ = [
    "SLI_MODELS",
    "AlertingModel",
    "AvailabilityModel",
    "BudgetingModel",
    "BurnWindowModel",
    "FileModel",
    "LatencyModel",
    "RatioModel",
    "SLOModel",
    "ThresholdModel",
    "WindowModel",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, populate_by_name=True, frozen=True)


class WindowModel(_Model):
    rolling: str | None = None
    calendar: Literal["month", "quarter"] | None = None
    time_zone: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> WindowModel:
        if (self.rolling is None) == (self.calendar is None):
            raise ValueError("give exactly one of rolling or calendar")
        if self.rolling is not None and self.time_zone is not None:
            raise ValueError("timeZone applies to calendar windows only")
        return self


class BudgetingModel(_Model):
    method: Literal["occurrences", "timeslices"]
    slice_window: str | None = None
    slice_target: Decimal | None = Field(default=None, gt=0, le=1)

    @model_validator(mode="after")
    def _slices(self) -> BudgetingModel:
        given = self.slice_window is not None or self.slice_target is not None
        if self.method == "timeslices" and (self.slice_window is None or self.slice_target is None):
            raise ValueError("timeslices needs sliceWindow and sliceTarget")
        if self.method == "occurrences" and given:
            raise ValueError("sliceWindow and sliceTarget apply to timeslices only")
        return self


class AlertRouteModel(_Model):
    enabled: bool = True
    runbook: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)


class BurnWindowModel(_Model):
    """One explicit burn-rate tier; give exactly one of ``burnRate`` and ``budgetConsumedPercent``."""

    severity: Literal["page", "ticket"]
    long_window: str
    short_window: str | None = None
    burn_rate: Decimal | None = Field(default=None, gt=0)
    budget_consumed_percent: Decimal | None = Field(default=None, gt=0, le=100)
    for_: str | None = Field(default=None, alias="for")

    @model_validator(mode="after")
    def _one_rate(self) -> BurnWindowModel:
        if (self.burn_rate is None) == (self.budget_consumed_percent is None):
            raise ValueError("give exactly one of burnRate or budgetConsumedPercent")
        return self


class AlertingModel(_Model):
    name: str | None = None
    page: AlertRouteModel = Field(default_factory=AlertRouteModel)
    ticket: AlertRouteModel = Field(default_factory=AlertRouteModel)
    min_events: int | None = Field(default=None, ge=1)
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    windows: list[BurnWindowModel] | None = Field(default=None, min_length=1)


class BudgetPolicyStepModel(_Model):
    burned_fraction: Decimal = Field(gt=0)
    action: str = Field(min_length=1)


class _IstioModel(_Model):
    namespace: str = Field(min_length=1)
    workload: str | None = Field(default=None, min_length=1)
    service: str | None = Field(default=None, min_length=1)
    reporter: Reporter = Reporter.DESTINATION

    @model_validator(mode="after")
    def _one_target(self) -> _IstioModel:
        if (self.workload is None) == (self.service is None):
            raise ValueError("give exactly one of workload or service")
        return self


class AvailabilityModel(_IstioModel):
    kind: Literal["availability"]
    bad_codes: str = Field(default="5..", min_length=1)
    code_policy: dict[str, CodePolicy] = Field(default_factory=dict)


class LatencyModel(_IstioModel):
    kind: Literal["latency"]
    threshold_ms: Decimal = Field(gt=0)
    histogram: HistogramKind = HistogramKind.CLASSIC
    metric: str = DEFAULT_LATENCY_METRIC
    buckets: list[Decimal] | None = Field(default=None, min_length=1)


class ThresholdModel(_Model):
    kind: Literal["threshold"]
    metric: str | None = None
    matchers: dict[str, str] = Field(default_factory=dict)
    query: str | None = None
    comparison: Comparison
    threshold: Decimal


class RatioModel(_Model):
    kind: Literal["ratio"]
    good: str | None = None
    bad: str | None = None
    total: str = Field(min_length=1)
    per_label: list[str] = Field(default_factory=list)


SLI_MODELS: dict[str, type[_Model]] = {
    "availability": AvailabilityModel,
    "latency": LatencyModel,
    "threshold": ThresholdModel,
    "ratio": RatioModel,
}


class SLOModel(_Model):
    name: str = Field(min_length=1)
    service: str = Field(min_length=1)
    description: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    sli: dict[str, Any]
    objective: Decimal = Field(gt=0, lt=100)
    window: WindowModel
    budgeting: BudgetingModel | None = None
    alerting: AlertingModel = Field(default_factory=AlertingModel)
    budget_policy: list[BudgetPolicyStepModel] = Field(default_factory=list)


class FileModel(_Model):
    api_version: Literal["servescale/v1"] | None = None
    slos: list[Any] = Field(min_length=1)

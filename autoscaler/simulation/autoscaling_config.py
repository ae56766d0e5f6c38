"""The ``autoscaling`` section of a configuration file: which workloads scale on which metric.

Shape (camelCase keys, unknown keys refused)::

    autoscaling:
      workloads:
        - namespace: ml
          deployment: llama
          name: llama                       # the HPA's name; defaults to the deployment's
          metric: istio_requests_per_second  # a metric of the catalogue
          source: Pods                      # Pods | Object | External; inferred when omitted
          target: {type: AverageValue, value: "8"}
          selector: {queue: inference-jobs} # External only: the metric selector's matchLabels
          minReplicas: 2                    # 0 (HPAScaleToZero) needs an Object or External metric
          maxReplicas: 8
          behavior: {scaleUp: {...}, scaleDown: {...}}   # autoscaling/v2 behavior
          predictive: true                  # add the forecast metric beside the reactive one
          podStartupSeconds: 180            # the forecast horizon is this + one sync period
          syncPeriodSeconds: 15             # the HPA controller's sync period (its flag's default)
          forecastTarget: "3.4"             # requests/s per pod; defaults to the target of
                                            # istio_requests_per_second (AverageValue)
          activationThreshold: 0            # KEDA (manifests keda): active while the value is above
      forecast:                             # the forecaster the metrics API runs (all optional)
        step: 5m
        seasons: [1d, 1w]
        maxError: 0.25
        refitEvery: 5m
        rateWindow: 5m                      # the history's rate window; defaults to the step

Only the shape and the ranges of the autoscaling/v2 API are checked here (windows 0..3600 s,
periods 1..1800 s, positive values, ``minReplicas <= maxReplicas``); ``hpa_manifests`` checks the
metric against the catalogue. Errors name the field (``autoscaling.workloads[0].maxReplicas``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from metrics_adapter.kube import QuantityError, parse_quantity

__all__ = [
    "AutoscalingConfig",
    "BehaviorModel",
    "ForecastModel",
    "ScalingPolicyModel",
    "ScalingRulesModel",
    "TargetModel",
    "WorkloadModel",
]


def _quantity(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError("must be a number or a quantity string such as 8, 0.5 or 500m")
    try:
        number = parse_quantity(str(value).strip())
    except QuantityError:
        raise ValueError(f"{value!r} is not a number or a quantity such as 500m") from None
    if number <= 0:
        raise ValueError("must be positive")
    if number != number.quantize(Decimal("0.001")):
        raise ValueError("must be a whole number of milli-units (at most 3 decimals)")
    return number


Quantity = Annotated[Decimal, BeforeValidator(_quantity)]


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True)


class TargetModel(_Model):
    type: Literal["AverageValue", "Value"]
    value: Quantity


class ScalingPolicyModel(_Model):
    type: Literal["Pods", "Percent"]
    value: Annotated[int, Field(gt=0)]
    period_seconds: Annotated[int, Field(ge=1, le=1800)]


class ScalingRulesModel(_Model):
    stabilization_window_seconds: Annotated[int, Field(ge=0, le=3600)] | None = None
    select_policy: Literal["Max", "Min", "Disabled"] | None = None
    policies: Annotated[list[ScalingPolicyModel], Field(min_length=1)] | None = None


class BehaviorModel(_Model):
    scale_up: ScalingRulesModel | None = None
    scale_down: ScalingRulesModel | None = None


_NAME = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"


class WorkloadModel(_Model):
    namespace: Annotated[str, Field(pattern=_NAME, max_length=63)]
    deployment: Annotated[str, Field(pattern=r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", max_length=253)]
    name: Annotated[str, Field(pattern=r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", max_length=253)] | None = None
    metric: Annotated[str, Field(min_length=1)]
    source: Literal["Pods", "Object", "External"] | None = None
    target: TargetModel
    selector: dict[str, str] | None = None
    min_replicas: Annotated[int, Field(ge=0)] = 1
    max_replicas: Annotated[int, Field(ge=1)]
    behavior: BehaviorModel | None = None
    predictive: bool = False
    pod_startup_seconds: Annotated[int, Field(ge=0, le=3600)] = 180
    sync_period_seconds: Annotated[int, Field(ge=1, le=600)] = 15
    forecast_target: Quantity | None = None
    activation_threshold: Annotated[Decimal, Field(ge=0)] = Decimal(0)

    @model_validator(mode="after")
    def _bounds(self) -> WorkloadModel:
        if self.min_replicas > self.max_replicas:
            raise ValueError("minReplicas must be less than or equal to maxReplicas")
        return self

    @property
    def hpa_name(self) -> str:
        return self.name or self.deployment

    @property
    def horizon_seconds(self) -> float:
        """Pod start-up plus one HPA sync period: how far ahead the forecast looks."""
        return float(self.pod_startup_seconds + self.sync_period_seconds)


_DURATION = r"^([0-9]+(ms|s|m|h|d|w|y))+$"


class ForecastModel(_Model):
    step: Annotated[str, Field(pattern=_DURATION)] = "5m"
    seasons: Annotated[list[Annotated[str, Field(pattern=_DURATION)]], Field(min_length=1)] = ["1d", "1w"]
    max_error: Annotated[float, Field(gt=0, le=1)] = 0.25
    refit_every: Annotated[str, Field(pattern=_DURATION)] = "5m"
    rate_window: Annotated[str, Field(pattern=_DURATION)] | None = None


class AutoscalingSection(_Model):
    workloads: Annotated[list[WorkloadModel], Field(min_length=1)]
    forecast: ForecastModel = Field(default_factory=ForecastModel)


class AutoscalingConfig(BaseModel):
    """A configuration document; only its ``autoscaling`` section is read (other sections are others')."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    autoscaling: AutoscalingSection

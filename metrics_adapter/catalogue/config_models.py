"""The configuration file's schema: pydantic models, camelCase keys, unknown keys refused.

Shape (see ``examples/config/servescale.yaml``)::

    labels:   {pod: pod, namespace: namespace}        # the scrape's label names
    defaults: {maxStalenessSeconds: 120, rateWindow: 1m}
    presets:  {istio: {...}, dcgm: {...}, queues: {...}}
    metrics:  [ {name, api, description, unit, value, aggregation, resources | external,
                 zeroWhenAbsent, fallbackValue, maxStalenessSeconds}, ... ]

A ``value`` is a recipe selected by ``kind``: ``gauge``, ``rate``, ``increase``,
``histogramQuantile``, ``ratio`` (numerator/denominator), ``sum`` (terms), ``firstOf``
(alternatives). A ``series`` is a metric name or ``{metric, labels}`` where each label maps to a
value (equality) or to one of ``{equals|notEquals|regex|notRegex: ...}``.

This module only describes and checks the file's shape; ``config_build`` turns it into
definitions. ``metrics`` entries are validated one by one (``MetricModel``) so that errors can
name the entry. Knows PromQL names and durations, not Kubernetes requests.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic.types import FiniteFloat, PositiveFloat

from metrics_adapter.promql import Duration, Selector, eq
from metrics_adapter.promql import re as regex_matcher

from .definition import DEFAULT_MAX_STALENESS_SECONDS

__all__ = [
    "ConfigModel",
    "DcgmPresetModel",
    "DefaultsModel",
    "ExternalModel",
    "FirstOfModel",
    "GaugeModel",
    "HistogramQuantileModel",
    "IncreaseModel",
    "IstioPresetModel",
    "LabelsModel",
    "MatchModel",
    "MetricModel",
    "PresetModel",
    "PresetsModel",
    "QueuesPresetModel",
    "RateModel",
    "RatioModel",
    "ResourceModel",
    "SeriesModel",
    "SumModel",
    "ValueModel",
]

_API_METRIC_NAME = re.compile(r"[A-Za-z0-9_:][-A-Za-z0-9_.:]*")


def _duration(value: object) -> Duration:
    if isinstance(value, Duration):
        return value
    if not isinstance(value, str):
        raise ValueError(f'invalid duration {json.dumps(value)}: write it with a unit, e.g. "1m"')
    try:
        return Duration.parse(value)
    except ValueError:
        raise ValueError(f"invalid duration {json.dumps(value)}") from None


def _label_name(value: str) -> str:
    eq(value, "")  # raises ValueError naming the grammar
    return value


def _metric_name(value: str) -> str:
    Selector(value)
    return value


def _api_metric_name(value: str) -> str:
    if len(value) > 253 or _API_METRIC_NAME.fullmatch(value) is None:
        raise ValueError(f"invalid metric name {json.dumps(value)}: use letters, digits, '_', '-', '.', ':'")
    return value


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"invalid regex {json.dumps(value)}: {exc}") from None
    regex_matcher("x", value)
    return value


def _match_shorthand(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return {"equals": value} if isinstance(value, str) else value


def _series_shorthand(value: object) -> object:
    return {"metric": value} if isinstance(value, str) else value


DurationField = Annotated[Duration, PlainValidator(_duration)]
LabelName = Annotated[str, AfterValidator(_label_name)]
MetricName = Annotated[str, AfterValidator(_metric_name)]
ApiMetricName = Annotated[str, AfterValidator(_api_metric_name)]
Regex = Annotated[str, AfterValidator(_regex)]
AggregationName = Literal["sum", "avg", "max", "min"]


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, extra="forbid", frozen=True)


class MatchModel(_Model):
    """Exactly one of the four matcher kinds."""

    equals: str | None = None
    not_equals: str | None = None
    regex: Regex | None = None
    not_regex: Regex | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> MatchModel:
        given = [getattr(self, name) for name in ("equals", "not_equals", "regex", "not_regex")]
        if sum(value is not None for value in given) != 1:
            raise ValueError("give exactly one of equals, notEquals, regex, notRegex")
        return self


class SeriesModel(_Model):
    metric: MetricName
    labels: dict[LabelName, Annotated[MatchModel, BeforeValidator(_match_shorthand)]] = Field(
        default_factory=dict
    )


Series = Annotated[SeriesModel, BeforeValidator(_series_shorthand)]


class GaugeModel(_Model):
    kind: Literal["gauge"]
    series: Series
    scale: FiniteFloat | None = None


class RateModel(_Model):
    kind: Literal["rate"]
    series: Series
    window: DurationField | None = None
    scale: FiniteFloat | None = None


class IncreaseModel(_Model):
    kind: Literal["increase"]
    series: Series
    window: DurationField | None = None
    scale: FiniteFloat | None = None


class HistogramQuantileModel(_Model):
    kind: Literal["histogramQuantile"]
    series: Series
    quantile: Annotated[float, Field(ge=0, le=1)]
    window: DurationField | None = None
    le_label: LabelName = "le"
    scale: FiniteFloat | None = None


class RatioModel(_Model):
    kind: Literal["ratio"]
    numerator: ValueModel
    denominator: ValueModel
    scale: FiniteFloat | None = None


class SumModel(_Model):
    kind: Literal["sum"]
    terms: Annotated[list[ValueModel], Field(min_length=2)]
    scale: FiniteFloat | None = None


class FirstOfModel(_Model):
    kind: Literal["firstOf"]
    alternatives: Annotated[list[ValueModel], Field(min_length=2)]


ValueModel = Annotated[
    GaugeModel | RateModel | IncreaseModel | HistogramQuantileModel | RatioModel | SumModel | FirstOfModel,
    Field(discriminator="kind"),
]
VALUE_KINDS = ("gauge", "rate", "increase", "histogramQuantile", "ratio", "sum", "firstOf")

for _model in (RatioModel, SumModel, FirstOfModel):
    _model.model_rebuild()


class ResourceModel(_Model):
    """``label`` carries the object (``pods`` and ``namespaces`` default to the scrape labels);
    ``namespaceLabel`` defaults to the scrape's namespace label; or ``fromPods``."""

    label: LabelName | None = None
    namespace_label: LabelName | None = None
    from_pods: AggregationName | None = None


class ExternalModel(_Model):
    labels: list[LabelName] = Field(default_factory=list)
    namespaced: bool = False
    namespace_label: LabelName | None = None
    result: Literal["sum", "perSeries"] = "sum"


class MetricModel(_Model):
    name: ApiMetricName
    api: Literal["custom", "external"] = "custom"
    description: str = ""
    unit: str = ""
    value: ValueModel
    aggregation: AggregationName = "sum"
    resources: dict[str, ResourceModel | None] | None = None
    external: ExternalModel | None = None
    zero_when_absent: bool = False
    fallback_value: FiniteFloat | None = None
    max_staleness_seconds: PositiveFloat | None = None


class PresetModel(_Model):
    """Options every preset takes."""

    enabled: bool = True
    exclude: list[str] = Field(default_factory=list)
    max_staleness_seconds: PositiveFloat | None = None


class IstioPresetModel(PresetModel):
    rate_window: DurationField | None = None
    latency_window: DurationField | None = None


class DcgmPresetModel(PresetModel):
    pod_labels: Literal["exported", "pod"] = "exported"


class QueuesPresetModel(PresetModel):
    zero_when_absent: bool = True


class PresetsModel(_Model):
    istio: IstioPresetModel = Field(default_factory=IstioPresetModel)
    dcgm: DcgmPresetModel = Field(default_factory=DcgmPresetModel)
    queues: QueuesPresetModel = Field(default_factory=QueuesPresetModel)


class LabelsModel(_Model):
    pod: LabelName = "pod"
    namespace: LabelName = "namespace"


class DefaultsModel(_Model):
    max_staleness_seconds: PositiveFloat | None = DEFAULT_MAX_STALENESS_SECONDS
    rate_window: DurationField = Field(default_factory=lambda: Duration(60))


class ConfigModel(_Model):
    labels: LabelsModel = Field(default_factory=LabelsModel)
    defaults: DefaultsModel = Field(default_factory=DefaultsModel)
    presets: PresetsModel = Field(default_factory=PresetsModel)
    metrics: list[Any] = Field(default_factory=list)

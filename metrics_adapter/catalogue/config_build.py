"""Turning validated configuration models into metric definitions and preset options.

Applies the file's ``defaults`` (rate window, staleness limit) and ``labels`` (the scrape's pod and
namespace labels) wherever an entry leaves them out. Problems found here are raised as
``EntryProblem`` with the field they concern, so the loader can name entry and field. Knows the
models, recipes, definitions and presets; reads no files.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from metrics_adapter.kube import GroupResourceError, parse_group_resource
from metrics_adapter.promql import Duration, Matcher, eq, ne, nre, re

from .config_models import (
    ConfigModel,
    DcgmPresetModel,
    FirstOfModel,
    GaugeModel,
    HistogramQuantileModel,
    IncreaseModel,
    IstioPresetModel,
    MatchModel,
    MetricModel,
    PresetModel,
    QueuesPresetModel,
    RateModel,
    RatioModel,
    ResourceModel,
    SeriesModel,
    SumModel,
    ValueModel,
)
from .definition import (
    NAMESPACES,
    PODS,
    AbsentPolicy,
    Api,
    Association,
    ExternalResult,
    ExternalSpec,
    MetricDefinition,
    is_namespaced,
)
from .errors import RecipeError
from .presets import DcgmOptions, IstioOptions, QueuesOptions, dcgm_metrics, istio_metrics, queue_metrics
from .recipes import (
    Aggregation,
    FirstOf,
    Gauge,
    HistogramQuantile,
    Increase,
    Rate,
    Ratio,
    Recipe,
    Series,
    Sum,
)
from .scrape_labels import ScrapeLabels

__all__ = ["BuildContext", "EntryProblem", "build_metric", "build_presets"]


class EntryProblem(Exception):
    """A problem with one field of one entry; ``field`` is a dotted path ('' for the whole entry)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)


@dataclass(frozen=True)
class BuildContext:
    labels: ScrapeLabels
    rate_window: Duration
    max_staleness_seconds: float | None

    @classmethod
    def from_model(cls, model: ConfigModel) -> BuildContext:
        return cls(
            ScrapeLabels(model.labels.pod, model.labels.namespace),
            model.defaults.rate_window,
            model.defaults.max_staleness_seconds,
        )


def _matcher(label: str, match: MatchModel) -> Matcher:
    if match.equals is not None:
        return eq(label, match.equals)
    if match.not_equals is not None:
        return ne(label, match.not_equals)
    if match.regex is not None:
        return re(label, match.regex)
    assert match.not_regex is not None
    return nre(label, match.not_regex)


def _series(model: SeriesModel) -> Series:
    return Series(model.metric, tuple(_matcher(label, match) for label, match in model.labels.items()))


def _recipe(model: ValueModel, context: BuildContext) -> Recipe:
    match model:
        case GaugeModel():
            return Gauge(_series(model.series), model.scale)
        case RateModel():
            return Rate(_series(model.series), model.window or context.rate_window, model.scale)
        case IncreaseModel():
            return Increase(_series(model.series), model.window or context.rate_window, model.scale)
        case HistogramQuantileModel():
            window = model.window or context.rate_window
            return HistogramQuantile(
                _series(model.series), model.quantile, window, model.le_label, model.scale
            )
        case RatioModel():
            return Ratio(_recipe(model.numerator, context), _recipe(model.denominator, context), model.scale)
        case SumModel():
            return Sum(tuple(_recipe(term, context) for term in model.terms), model.scale)
        case FirstOfModel():
            return FirstOf(tuple(_recipe(alternative, context) for alternative in model.alternatives))
    raise TypeError(f"not a value model: {model!r}")


def _association(key: str, model: ResourceModel | None, context: BuildContext) -> Association:
    field = f"resources.{key}"
    try:
        resource = parse_group_resource(key)
    except GroupResourceError as exc:
        raise EntryProblem(field, str(exc)) from None
    model = model or ResourceModel()
    if model.from_pods is not None:
        if model.label is not None or model.namespace_label is not None:
            raise EntryProblem(field, "fromPods takes no label or namespaceLabel")
        return Association(resource, from_pods=Aggregation(model.from_pods))
    label = model.label
    if label is None:
        if resource not in (PODS, NAMESPACES):
            raise EntryProblem(
                field, "needs a label (the label whose value is the object's name) or fromPods"
            )
        label = context.labels.pod if resource == PODS else context.labels.namespace
    namespace_label = None
    if is_namespaced(resource):
        namespace_label = model.namespace_label or context.labels.namespace
    elif model.namespace_label is not None:
        raise EntryProblem(
            f"{field}.namespaceLabel", f"{resource} is cluster-scoped: it takes no namespace label"
        )
    try:
        return Association(resource, label, namespace_label)
    except RecipeError as exc:
        raise EntryProblem(field, str(exc)) from None


def _policy(model: MetricModel, context: BuildContext) -> AbsentPolicy:
    if model.zero_when_absent and model.fallback_value is not None:
        raise EntryProblem("fallbackValue", "give either zeroWhenAbsent or fallbackValue, not both")
    staleness = context.max_staleness_seconds
    if "max_staleness_seconds" in model.model_fields_set:
        staleness = model.max_staleness_seconds
    fallback = None if model.fallback_value is None else Decimal(repr(model.fallback_value))
    return AbsentPolicy(model.zero_when_absent, fallback, staleness)


def _external(model: MetricModel, context: BuildContext) -> ExternalSpec:
    if model.resources is not None:
        raise EntryProblem("resources", "an external metric has no resources; use external.labels")
    spec = model.external
    if spec is None:
        return ExternalSpec(namespace_label=context.labels.namespace)
    try:
        return ExternalSpec(
            tuple(spec.labels),
            spec.namespaced,
            spec.namespace_label or context.labels.namespace,
            ExternalResult(spec.result),
        )
    except RecipeError as exc:
        raise EntryProblem("external", str(exc)) from None


def build_metric(model: MetricModel, context: BuildContext, *, origin: str) -> MetricDefinition:
    """The definition of one ``metrics`` entry; raises ``EntryProblem``."""
    try:
        value = _recipe(model.value, context)
    except RecipeError as exc:
        raise EntryProblem("value", str(exc)) from None
    associations: tuple[Association, ...] = ()
    external = None
    if model.api == "external":
        external = _external(model, context)
    else:
        if model.external is not None:
            raise EntryProblem("external", "only external metrics take an external section")
        if not model.resources:
            raise EntryProblem("resources", "a custom metric needs at least one resource (e.g. pods: {})")
        associations = tuple(_association(key, item, context) for key, item in model.resources.items())
    try:
        return MetricDefinition(
            model.name,
            value,
            api=Api(model.api),
            description=model.description,
            unit=model.unit,
            aggregation=Aggregation(model.aggregation),
            associations=associations,
            external=external,
            policy=_policy(model, context),
            origin=origin,
        )
    except RecipeError as exc:
        message = str(exc).removeprefix(f"{model.name}: ")
        raise EntryProblem("resources" if model.api == "custom" else "external", message) from None


def _staleness(model: PresetModel, context: BuildContext) -> float | None:
    if "max_staleness_seconds" in model.model_fields_set:
        return model.max_staleness_seconds
    return context.max_staleness_seconds


def _istio(model: IstioPresetModel, context: BuildContext) -> tuple[MetricDefinition, ...]:
    options = IstioOptions(
        labels=context.labels,
        rate_window=model.rate_window or context.rate_window,
        max_staleness_seconds=_staleness(model, context),
        exclude=frozenset(model.exclude),
        latency_window=model.latency_window,
    )
    return istio_metrics(options)


def _dcgm(model: DcgmPresetModel, context: BuildContext) -> tuple[MetricDefinition, ...]:
    options = DcgmOptions(
        labels=context.labels,
        rate_window=context.rate_window,
        max_staleness_seconds=_staleness(model, context),
        exclude=frozenset(model.exclude),
        pod_labels=model.pod_labels,
    )
    return dcgm_metrics(options)


def _queues(model: QueuesPresetModel, context: BuildContext) -> tuple[MetricDefinition, ...]:
    options = QueuesOptions(
        labels=context.labels,
        rate_window=context.rate_window,
        max_staleness_seconds=_staleness(model, context),
        exclude=frozenset(model.exclude),
        zero_when_absent=model.zero_when_absent,
    )
    return queue_metrics(options)


def build_presets(model: ConfigModel, context: BuildContext) -> list[MetricDefinition]:
    """Definitions of the enabled presets; raises ``EntryProblem`` with field ``presets.<name>``."""
    presets = model.presets
    definitions: list[MetricDefinition] = []
    try:
        if presets.istio.enabled:
            definitions.extend(_istio(presets.istio, context))
    except RecipeError as exc:
        raise EntryProblem("presets.istio", str(exc)) from None
    try:
        if presets.dcgm.enabled:
            definitions.extend(_dcgm(presets.dcgm, context))
    except RecipeError as exc:
        raise EntryProblem("presets.dcgm", str(exc)) from None
    try:
        if presets.queues.enabled:
            definitions.extend(_queues(presets.queues, context))
    except RecipeError as exc:
        raise EntryProblem("presets.queues", str(exc)) from None
    return definitions

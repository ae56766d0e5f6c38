"""``MetricDefinition``: one API metric as a recipe plus its resource associations and data policy.

A definition says which Prometheus series make the value (``recipes``), which label carries which
Kubernetes object (``Association``), how external callers may select series (``ExternalSpec``)
and what happens when data is missing, NaN or stale (``AbsentPolicy``). Frozen and validated on
construction; ``RecipeError`` otherwise. Knows group-resources and PromQL label names, but neither
builds queries nor reads configuration files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from metrics_adapter.kube import GroupResource, lookup_resource
from metrics_adapter.promql import Duration, eq

from .errors import RecipeError
from .recipes import Aggregation, Recipe, tracks_sample_age, window_of

__all__ = [
    "DEFAULT_MAX_STALENESS_SECONDS",
    "NAMESPACES",
    "PART_LABEL",
    "PODS",
    "AbsentPolicy",
    "Api",
    "Association",
    "ExternalResult",
    "ExternalSpec",
    "MetricDefinition",
    "is_namespaced",
]

PODS = GroupResource("pods")
NAMESPACES = GroupResource("namespaces")
DEFAULT_MAX_STALENESS_SECONDS = 120.0
# Marks the samples of a query that carry sample timestamps rather than values (see query.py).
PART_LABEL = "servescale_part"


def _check_label(name: str, what: str) -> None:
    try:
        eq(name, "")
    except ValueError as exc:
        raise RecipeError(f"{what}: {exc}") from exc
    if name == PART_LABEL:
        raise RecipeError(f"{what}: label {PART_LABEL!r} is reserved")


def is_namespaced(resource: GroupResource) -> bool:
    """A resource's scope, from the known-resource table; unknown resources (CRDs) are namespaced."""
    info = lookup_resource(resource)
    return True if info is None else info.namespaced


class Api(StrEnum):
    CUSTOM = "custom"
    EXTERNAL = "external"


@dataclass(frozen=True)
class Association:
    """How values of one group-resource are found.

    Either ``object_label`` names the label whose value is the object's name (``pod``,
    ``destination_workload``) with ``namespace_label`` scoping namespaced resources; or
    ``from_pods`` says the object's value is computed from the per-pod values of the pods it owns
    (the provider knows pod ownership; no label carries the object). For ``namespaces`` the
    object label is the namespace label itself and ``namespace_label`` is None.
    """

    resource: GroupResource
    object_label: str | None = None
    namespace_label: str | None = None
    from_pods: Aggregation | None = None

    def __post_init__(self) -> None:
        where = f"resource {self.resource}"
        if (self.object_label is None) == (self.from_pods is None):
            raise RecipeError(f"{where}: give exactly one of an object label or fromPods")
        if self.from_pods is not None:
            object.__setattr__(self, "from_pods", Aggregation(self.from_pods))
            if self.resource == PODS or not self.namespaced:
                raise RecipeError(f"{where}: fromPods needs a namespaced resource other than pods")
            if self.namespace_label is not None:
                raise RecipeError(f"{where}: fromPods uses the pods association's namespace label")
            return
        assert self.object_label is not None
        _check_label(self.object_label, f"{where}: object label")
        if self.namespaced and self.namespace_label is None:
            raise RecipeError(f"{where} is namespaced: a namespace label is required")
        if not self.namespaced and self.namespace_label is not None:
            raise RecipeError(f"{where} is cluster-scoped: it takes no namespace label")
        if self.namespace_label is not None:
            _check_label(self.namespace_label, f"{where}: namespace label")

    @property
    def namespaced(self) -> bool:
        return is_namespaced(self.resource)


class ExternalResult(StrEnum):
    """What an external metric returns: one summed item, or one item per selectable-label combination."""

    SUM = "sum"
    PER_SERIES = "perSeries"


@dataclass(frozen=True)
class ExternalSpec:
    """How an external metric is requested.

    ``labels``: the labels a request's ``labelSelector`` may constrain (any other key is a 400);
    an empty tuple allows any label. ``namespaced``: whether the request's namespace becomes a
    ``namespace_label`` matcher (prometheus-adapter always added one, which broke queues whose
    exporter runs elsewhere). ``result`` ``PER_SERIES`` groups by ``labels``.
    """

    labels: tuple[str, ...] = ()
    namespaced: bool = False
    namespace_label: str = "namespace"
    result: ExternalResult = ExternalResult.SUM

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", tuple(dict.fromkeys(self.labels)))
        object.__setattr__(self, "result", ExternalResult(self.result))
        for label in self.labels:
            _check_label(label, "external label")
        _check_label(self.namespace_label, "external namespace label")
        if self.result is ExternalResult.PER_SERIES and not self.labels:
            raise RecipeError("a perSeries external metric needs its selectable labels")

    @property
    def group_labels(self) -> tuple[str, ...]:
        return self.labels if self.result is ExternalResult.PER_SERIES else ()


@dataclass(frozen=True)
class AbsentPolicy:
    """What a missing, NaN or stale value becomes; the default is "no item", never a made-up 0.

    * ``zero_when_absent``: an object the caller expects but the result lacks gets 0 (opt-in,
      for queue depth where "no series" means "empty queue"). NaN and stale stay "no value".
    * ``fallback_value``: every expected object without a usable value (absent, NaN, stale) gets
      this value (KEDA-style, opt-in). Exclusive with ``zero_when_absent``.
    * ``max_staleness_seconds``: a gauge-based value whose newest raw sample is older is stale.
      None disables the check. Counters need no check: a rate needs two samples in its window.
    """

    zero_when_absent: bool = False
    fallback_value: Decimal | None = None
    max_staleness_seconds: float | None = DEFAULT_MAX_STALENESS_SECONDS

    def __post_init__(self) -> None:
        if self.fallback_value is not None:
            value = Decimal(self.fallback_value)
            if not value.is_finite():
                raise RecipeError(f"fallback value must be finite, got {self.fallback_value!r}")
            object.__setattr__(self, "fallback_value", value)
            if self.zero_when_absent:
                raise RecipeError("give either zeroWhenAbsent or fallbackValue, not both")
        staleness = self.max_staleness_seconds
        if staleness is not None and (not math.isfinite(staleness) or staleness <= 0):
            raise RecipeError(f"maxStalenessSeconds must be positive, got {staleness!r}")


@dataclass(frozen=True)
class MetricDefinition:
    """One metric of the custom or external metrics API.

    ``name`` is the API metric name; ``aggregation`` combines the series of one object at every
    leaf of ``value`` (histogram quantiles always sum their bucket rates). Custom metrics have
    ``associations`` (one per group-resource); external metrics have ``external``. ``origin``
    says where the definition came from (``preset istio``, ``metrics[2]``), for messages.
    """

    name: str
    value: Recipe
    api: Api = Api.CUSTOM
    description: str = ""
    unit: str = ""
    aggregation: Aggregation = Aggregation.SUM
    associations: tuple[Association, ...] = ()
    external: ExternalSpec | None = None
    policy: AbsentPolicy = field(default_factory=AbsentPolicy)
    origin: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "api", Api(self.api))
        object.__setattr__(self, "aggregation", Aggregation(self.aggregation))
        object.__setattr__(self, "associations", tuple(self.associations))
        if not self.name:
            raise RecipeError("a metric needs a name")
        if self.api is Api.CUSTOM:
            self._check_custom()
        elif self.external is None or self.associations:
            raise RecipeError(f"{self.name}: an external metric needs an external spec and no resources")

    def _check_custom(self) -> None:
        if not self.associations or self.external is not None:
            raise RecipeError(f"{self.name}: a custom metric needs resources and no external spec")
        resources = [association.resource for association in self.associations]
        duplicates = sorted({str(r) for r in resources if resources.count(r) > 1})
        if duplicates:
            raise RecipeError(f"{self.name}: resource listed twice: {', '.join(duplicates)}")
        if any(a.from_pods is not None for a in self.associations):
            pods = self.association(PODS)
            if pods is None or pods.object_label is None:
                raise RecipeError(f"{self.name}: fromPods needs a pods association with a pod label")

    def association(self, resource: GroupResource) -> Association | None:
        return next((a for a in self.associations if a.resource == resource), None)

    @property
    def resources(self) -> tuple[GroupResource, ...]:
        return tuple(association.resource for association in self.associations)

    @property
    def window(self) -> Duration | None:
        """The longest range window of the recipe (for ``windowSeconds``); None for pure gauges."""
        return window_of(self.value)

    @property
    def checks_staleness(self) -> bool:
        """True if queries carry sample timestamps: the recipe reads gauges and a limit is set."""
        return self.policy.max_staleness_seconds is not None and tracks_sample_age(self.value)

"""The metric catalogue: metric definitions as recipes, presets, the YAML loader, query building.

A ``MetricDefinition`` says which series make a value (a recipe: gauge, rate, increase,
histogram quantile, ratio, sum, first-of), which label carries which Kubernetes object, and what
missing, NaN and stale data become. ``plan_custom_query``/``plan_external_query`` turn a request
into one typed PromQL expression; ``interpret``/``interpret_external`` read the result back with
the policy applied; ``object_values_from_pods`` aggregates pods into their owners. ``load_config``
builds a ``Catalogue`` from one YAML file (every preset on without one); ``explain`` prints the
PromQL a request would run. Imports only ``promql`` and ``kube``; no HTTP, no I/O besides the
config file.
"""

from .catalogue import Catalogue
from .config import default_catalogue, load_config, parse_config
from .definition import (
    DEFAULT_MAX_STALENESS_SECONDS,
    PART_LABEL,
    AbsentPolicy,
    Api,
    Association,
    ExternalResult,
    ExternalSpec,
    MetricDefinition,
)
from .errors import (
    CatalogueError,
    ConfigError,
    RecipeError,
    SelectorTranslationError,
    UnknownMetricError,
    UnsupportedResourceError,
)
from .explain import explain
from .from_pods import aggregate_values, object_values_from_pods
from .interpret import (
    AppliedPolicy,
    ExternalValue,
    ObjectValue,
    ValueStatus,
    interpret,
    interpret_external,
    to_decimal,
)
from .presets import (
    PRESET_NAMES,
    DcgmOptions,
    IstioOptions,
    QueuesOptions,
    dcgm_metrics,
    istio_metrics,
    queue_metrics,
)
from .query import SAMPLE_TIME_PART, QueryPlan, build_query, plan_custom_query, plan_external_query
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
    with_window,
)
from .scrape_labels import ScrapeLabels
from .selectors import selector_matchers

__all__ = [
    "DEFAULT_MAX_STALENESS_SECONDS",
    "PART_LABEL",
    "PRESET_NAMES",
    "SAMPLE_TIME_PART",
    "AbsentPolicy",
    "Aggregation",
    "Api",
    "AppliedPolicy",
    "Association",
    "Catalogue",
    "CatalogueError",
    "ConfigError",
    "DcgmOptions",
    "ExternalResult",
    "ExternalSpec",
    "ExternalValue",
    "FirstOf",
    "Gauge",
    "HistogramQuantile",
    "Increase",
    "IstioOptions",
    "MetricDefinition",
    "ObjectValue",
    "QueryPlan",
    "QueuesOptions",
    "Rate",
    "Ratio",
    "Recipe",
    "RecipeError",
    "ScrapeLabels",
    "SelectorTranslationError",
    "Series",
    "Sum",
    "UnknownMetricError",
    "UnsupportedResourceError",
    "ValueStatus",
    "aggregate_values",
    "build_query",
    "dcgm_metrics",
    "default_catalogue",
    "explain",
    "interpret",
    "interpret_external",
    "istio_metrics",
    "load_config",
    "object_values_from_pods",
    "parse_config",
    "plan_custom_query",
    "plan_external_query",
    "queue_metrics",
    "selector_matchers",
    "to_decimal",
    "with_window",
]

"""SLO specs: the internal model and the importers (ServeScale YAML, OpenSLO v1, Sloth ``prometheus/v1``).

``load_slos(text)`` / ``load_slo_file(path)`` detect the format and return frozen :class:`SLO` objects,
or raise :class:`SpecError` whose lines name the SLO and the field. Knows nothing about PromQL
rendering, Prometheus or alert rules.
"""

from .errors import SpecError, SpecIssue
from .loader import DEFAULT_PERIOD, detect_format, load_slo_file, load_slos
from .model import SLO, Alerting, AlertRoute, Labels, Occurrences, SpecFormat, Timeslices
from .sli import (
    DEFAULT_LATENCY_METRIC,
    ISTIO_DEFAULT_BUCKETS_MS,
    SLI,
    WINDOW_PLACEHOLDER,
    AvailabilitySLI,
    CodePolicy,
    Comparison,
    HistogramKind,
    IstioTarget,
    LatencySLI,
    RatioSLI,
    RawRatioSLI,
    RawRatioType,
    Reporter,
    ThresholdSLI,
)

__all__ = [
    "DEFAULT_LATENCY_METRIC",
    "DEFAULT_PERIOD",
    "ISTIO_DEFAULT_BUCKETS_MS",
    "SLI",
    "SLO",
    "WINDOW_PLACEHOLDER",
    "AlertRoute",
    "Alerting",
    "AvailabilitySLI",
    "CodePolicy",
    "Comparison",
    "HistogramKind",
    "IstioTarget",
    "Labels",
    "LatencySLI",
    "Occurrences",
    "RatioSLI",
    "RawRatioSLI",
    "RawRatioType",
    "Reporter",
    "SpecError",
    "SpecFormat",
    "SpecIssue",
    "ThresholdSLI",
    "Timeslices",
    "detect_format",
    "load_slo_file",
    "load_slos",
]

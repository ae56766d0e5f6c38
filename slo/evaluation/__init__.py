"""SLO evaluation at one fixed instant: plan the probes, run them batched, assemble each SLO's status.

The flow is :mod:`.plan` (what to ask Prometheus) -> :mod:`.batch` (ask it, batched and concurrent)
-> :mod:`.assemble` (counts, budget, burn rates, tiers) -> :mod:`.model` (the result), driven by
:mod:`.evaluator`. :mod:`.cached_status` keeps the service's latest evaluation and :mod:`.wire` is
its JSON form. Knows the SLO model, SLI queries and the promql client; nothing about HTTP routes,
reports or dashboards.
"""

from .batch import BatchSettings
from .cached_status import CachedStatus
from .evaluator import SLOEvaluator, StatusSource
from .model import Evaluation, Measurement, SLOStatus, TierStatus, WindowBurn
from .plan import SpanRule, default_span
from .wire import EvaluationModel, MeasurementModel, StatusModel, evaluation_document, status_document

__all__ = [
    "BatchSettings",
    "CachedStatus",
    "Evaluation",
    "EvaluationModel",
    "Measurement",
    "MeasurementModel",
    "SLOEvaluator",
    "SLOStatus",
    "SpanRule",
    "StatusModel",
    "StatusSource",
    "TierStatus",
    "WindowBurn",
    "default_span",
    "evaluation_document",
    "status_document",
]

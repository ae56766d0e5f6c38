"""Presets: named sets of metric definitions for common exporters, switched on by name.

``istio`` (request rate, error ratio, latency quantiles), ``dcgm`` (GPU utilisation and memory),
``queues`` (Triton/vLLM queue depth, RabbitMQ and Kafka backlog). Each preset module documents
its metrics in a table (name, resources, unit, source).
"""

from .dcgm import DcgmOptions, dcgm_metrics
from .istio import ISTIO_QUANTILES, IstioOptions, istio_metrics
from .options import PresetOptions, select_metrics
from .queues import QueuesOptions, queue_metrics

__all__ = [
    "ISTIO_QUANTILES",
    "PRESET_NAMES",
    "DcgmOptions",
    "IstioOptions",
    "PresetOptions",
    "QueuesOptions",
    "dcgm_metrics",
    "istio_metrics",
    "queue_metrics",
    "select_metrics",
]

PRESET_NAMES = ("istio", "dcgm", "queues")

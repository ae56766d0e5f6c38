"""The ``dcgm`` preset: GPU utilisation and framebuffer memory from NVIDIA dcgm-exporter.

==================================  ====  ============================  ===================================
metric                              unit  resources                     source
==================================  ====  ============================  ===================================
``gpu_utilization_percent``         %     pods, deployments.apps (avg)  ``DCGM_FI_DEV_GPU_UTIL``, else
                                                                        ``DCGM_FI_PROF_GR_ENGINE_ACTIVE``
                                                                        x 100 (MIG)
``gpu_memory_used_mib``             MiB   pods, deployments.apps (avg)  ``DCGM_FI_DEV_FB_USED``
``gpu_memory_free_mib``             MiB   pods, deployments.apps (avg)  ``DCGM_FI_DEV_FB_FREE``
``gpu_memory_utilization_percent``  %     pods, deployments.apps (avg)  used / (used + free) x 100
==================================  ====  ============================  ===================================

Per pod, utilisation is the average over the pod's GPUs and memory figures are summed over them.
Per Deployment no label carries the object, so values are computed from the Deployment's pods
(``fromPods: avg``: the per-replica average).

``DCGM_FI_DEV_GPU_UTIL`` is not reported for MIG instances; ``DCGM_FI_PROF_GR_ENGINE_ACTIVE``
(a 0..1 ratio, Volta and newer) is, and is used per pod when the first is missing.

Pod labels: dcgm-exporter writes the GPU-owning pod into ``pod``/``namespace``. Scraped through
its default ServiceMonitor (``honorLabels: false``) those collide with the exporter's own target
labels and arrive as ``exported_pod``/``exported_namespace``: option ``pod_labels="exported"``
(the default). With ``honorLabels: true`` use ``"pod"``. GPUs held by no pod have an empty pod
label and are left out. Values are gauges, so the staleness limit applies (the exporter collects
every 30 s). Knows recipes and definitions only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from metrics_adapter.kube import GroupResource

from ..definition import PODS, AbsentPolicy, Association, MetricDefinition
from ..recipes import Aggregation, FirstOf, Gauge, Ratio, Recipe, Series, Sum
from .options import PresetOptions, select_metrics

__all__ = ["DcgmOptions", "dcgm_metrics"]

_DEPLOYMENTS = GroupResource("deployments", "apps")
_POD_LABELS = {"exported": ("exported_pod", "exported_namespace"), "pod": ("pod", "namespace")}


@dataclass(frozen=True)
class DcgmOptions(PresetOptions):
    """``pod_labels``: ``exported`` (default ServiceMonitor) or ``pod`` (``honorLabels: true``)."""

    pod_labels: Literal["exported", "pod"] = "exported"


def dcgm_metrics(options: DcgmOptions | None = None) -> tuple[MetricDefinition, ...]:
    """The preset's definitions, without ``options.exclude``."""
    options = options or DcgmOptions()
    pod_label, namespace_label = _POD_LABELS[options.pod_labels]
    associations = (
        Association(PODS, pod_label, namespace_label),
        Association(_DEPLOYMENTS, from_pods=Aggregation.AVG),
    )
    policy = AbsentPolicy(max_staleness_seconds=options.max_staleness_seconds)
    used = Gauge(Series("DCGM_FI_DEV_FB_USED"))
    free = Gauge(Series("DCGM_FI_DEV_FB_FREE"))
    utilization: Recipe = FirstOf(
        (Gauge(Series("DCGM_FI_DEV_GPU_UTIL")), Gauge(Series("DCGM_FI_PROF_GR_ENGINE_ACTIVE"), scale=100))
    )
    recipes: tuple[tuple[str, Recipe, Aggregation, str, str], ...] = (
        ("gpu_utilization_percent", utilization, Aggregation.AVG, "%", "GPU utilisation, MIG-aware."),
        ("gpu_memory_used_mib", used, Aggregation.SUM, "MiB", "Framebuffer memory used."),
        ("gpu_memory_free_mib", free, Aggregation.SUM, "MiB", "Framebuffer memory free."),
        (
            "gpu_memory_utilization_percent",
            Ratio(used, Sum((used, free)), scale=100),
            Aggregation.SUM,
            "%",
            "Framebuffer memory used / (used + free).",
        ),
    )
    definitions = [
        MetricDefinition(
            name,
            recipe,
            description=description,
            unit=unit,
            aggregation=aggregation,
            associations=associations,
            policy=policy,
            origin="preset dcgm",
        )
        for name, recipe, aggregation, unit, description in recipes
    ]
    return select_metrics("dcgm", definitions, options.exclude)

"""dcgm-exporter's GPU series for the GPUs (or MIG instances) the sandbox pods hold.

Device labels: ``gpu``, ``UUID``, ``pci_bus_id``, ``device``, ``modelName``, ``Hostname`` (the
node, as released images name it), ``DCGM_FI_DRIVER_VERSION``; MIG instances add
``GPU_I_PROFILE``/``GPU_I_ID`` and, as on real MIG, have no ``DCGM_FI_DEV_GPU_UTIL``. Workload
labels follow the scenario's ``dcgmPodLabels``: ``exported_*`` plus the exporter pod's own
``pod``/``namespace``/``container`` (the Helm chart's ``honorLabels: false``), or the workload's
``pod``/``namespace``/``container`` directly. Whole GPUs also report power and temperature
(``gpu_power``). A stalled exporter's series carry the timestamp of
the moment they froze.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from prometheus_client.core import GaugeMetricFamily, Metric

from autoscaler.sandbox.gpu_power import power_watts, temperature_celsius
from autoscaler.sandbox.gpus import EXPORTER_NAMESPACE
from autoscaler.sandbox.pod import PodGauges, PodRecord
from autoscaler.sandbox.spec import DcgmPodLabels, DeploymentSpec

DRIVER_VERSION = "570.124.06"
EXPORTER_CONTAINER = "nvidia-dcgm-exporter"

GPU_UTIL = "DCGM_FI_DEV_GPU_UTIL"
FB_USED = "DCGM_FI_DEV_FB_USED"
FB_FREE = "DCGM_FI_DEV_FB_FREE"
GR_ENGINE_ACTIVE = "DCGM_FI_PROF_GR_ENGINE_ACTIVE"
POWER_USAGE = "DCGM_FI_DEV_POWER_USAGE"
GPU_TEMP = "DCGM_FI_DEV_GPU_TEMP"

PodSamples = Iterable[tuple[PodRecord, PodGauges, float | None]]
"""Pod, its gauges, and the sample timestamp (None for a live exporter)."""


def dcgm_labels(pod: PodRecord, spec: DeploymentSpec, style: DcgmPodLabels) -> dict[str, str]:
    """The label set dcgm-exporter gives the GPU held by ``pod``, after scraping."""
    slot = pod.slot
    labels = {
        "gpu": str(slot.gpu_index),
        "UUID": slot.uuid,
        "pci_bus_id": slot.pci_bus_id,
        "device": slot.device,
        "modelName": slot.model_name,
        "Hostname": slot.node,
        "DCGM_FI_DRIVER_VERSION": DRIVER_VERSION,
    }
    if slot.mig_profile is not None:
        labels["GPU_I_PROFILE"] = slot.mig_profile
        labels["GPU_I_ID"] = str(slot.gpu_instance_id)
    container = spec.server.value
    if style is DcgmPodLabels.EXPORTED:
        labels |= {
            "exported_container": container,
            "exported_namespace": pod.namespace,
            "exported_pod": pod.name,
            "container": EXPORTER_CONTAINER,
            "namespace": EXPORTER_NAMESPACE,
            "pod": slot.exporter_pod,
        }
    else:
        labels |= {"container": container, "namespace": pod.namespace, "pod": pod.name}
    return labels


class DcgmFamilies:
    """Collects the four DCGM gauges over many Deployments, then yields them."""

    def __init__(self, style: DcgmPodLabels) -> None:
        self.style = style
        self.gpu_util = GaugeMetricFamily(GPU_UTIL, "GPU utilization (in %).")
        self.fb_used = GaugeMetricFamily(FB_USED, "Framebuffer memory used (in MiB).")
        self.fb_free = GaugeMetricFamily(FB_FREE, "Framebuffer memory free (in MiB).")
        self.gr_active = GaugeMetricFamily(GR_ENGINE_ACTIVE, "Ratio of time the graphics engine is active.")
        self.power = GaugeMetricFamily(POWER_USAGE, "Power draw (in W).")
        self.temp = GaugeMetricFamily(GPU_TEMP, "GPU temperature (in C).")

    def add(self, spec: DeploymentSpec, samples: PodSamples) -> None:
        for pod, gauges, timestamp in samples:
            labels = dcgm_labels(pod, spec, self.style)
            if pod.slot.mig_profile is None:
                self.gpu_util.add_sample(GPU_UTIL, labels, gauges.gpu_util_percent, timestamp)
                power = power_watts(pod.slot.model_name, gauges.gpu_util_percent)
                self.power.add_sample(POWER_USAGE, labels, power, timestamp)
                self.temp.add_sample(
                    GPU_TEMP, labels, temperature_celsius(gauges.gpu_util_percent), timestamp
                )
            self.fb_used.add_sample(FB_USED, labels, gauges.fb_used_mib, timestamp)
            self.fb_free.add_sample(FB_FREE, labels, gauges.fb_free_mib, timestamp)
            self.gr_active.add_sample(GR_ENGINE_ACTIVE, labels, gauges.gr_engine_active, timestamp)

    def families(self) -> Iterator[Metric]:
        yield self.gpu_util
        yield self.fb_used
        yield self.fb_free
        yield self.gr_active
        yield self.power
        yield self.temp

"""Placing pods on GPUs: node pools per GPU kind, whole GPUs or MIG instances, one slot per pod.

Each distinct ``(GPU model, MIG profile)`` gets its own pool of 8-GPU nodes, added on demand and
numbered across the fleet (``gpu-node-0``, ``gpu-node-1`` ...). A MIG profile ``<k>g.<mem>`` fits
``7 // k`` instances on a GPU (A100/H100 have 7 compute slices). A released slot is reused, lowest
first, so placement depends only on the order of scale operations. Each node runs one
dcgm-exporter pod of the DaemonSet in ``gpu-operator``.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from autoscaler.sandbox.naming import gpu_uuid, hashed_suffix, node_ip
from autoscaler.sandbox.spec import GpuSpec

GPUS_PER_NODE = 8
COMPUTE_SLICES = 7
# PCI bus numbers of the eight GPUs of an HGX A100 board, in device order.
PCI_BUSES = ("07", "0F", "47", "4E", "87", "90", "B7", "BD")
EXPORTER_NAMESPACE = "gpu-operator"


def instances_per_gpu(mig: str | None) -> int:
    """How many pods one GPU holds: 1 without MIG, ``7 // k`` for a ``<k>g.*`` profile."""
    if mig is None:
        return 1
    return max(1, COMPUTE_SLICES // int(mig.split("g", 1)[0]))


@dataclass(frozen=True, order=True)
class GpuSlot:
    """A whole GPU or one MIG instance on a node, with the identifiers dcgm-exporter reports."""

    node_index: int
    gpu_index: int
    instance_index: int
    node: str = field(compare=False)
    model_name: str = field(compare=False)
    mig_profile: str | None = field(compare=False)

    @property
    def uuid(self) -> str:
        """The physical GPU's UUID (MIG instances report their parent's)."""
        return gpu_uuid(self.node, self.gpu_index)

    @property
    def pci_bus_id(self) -> str:
        return f"00000000:{PCI_BUSES[self.gpu_index % len(PCI_BUSES)]}:00.0"

    @property
    def device(self) -> str:
        return f"nvidia{self.gpu_index}"

    @property
    def gpu_instance_id(self) -> int | None:
        """``GPU_I_ID`` of a MIG instance; None for a whole GPU."""
        return None if self.mig_profile is None else self.instance_index + 1

    @property
    def exporter_pod(self) -> str:
        """The dcgm-exporter pod running on this slot's node."""
        return f"dcgm-exporter-{hashed_suffix(self.node)}"

    @property
    def node_ip(self) -> str:
        return node_ip(self.node_index)

    @property
    def slot_index(self) -> int:
        """Position of the slot on its node (0-based), unique per node."""
        return self.gpu_index * COMPUTE_SLICES + self.instance_index


@dataclass
class _Pool:
    model_name: str
    mig: str | None
    free: list[GpuSlot] = field(default_factory=list)


class GpuAllocator:
    """Hands out and takes back GPU slots. Mutable; owned by one fleet."""

    def __init__(self) -> None:
        self._pools: dict[tuple[str, str | None], _Pool] = {}
        self._nodes = 0

    def allocate(self, gpu: GpuSpec) -> GpuSlot:
        """The lowest free slot of ``gpu``'s pool, adding a node when the pool is full."""
        key = (gpu.model, gpu.mig)
        pool = self._pools.setdefault(key, _Pool(model_name=gpu.model, mig=gpu.mig))
        if not pool.free:
            self._add_node(pool)
        return heapq.heappop(pool.free)

    def release(self, slot: GpuSlot) -> None:
        """Return ``slot`` to its pool."""
        heapq.heappush(self._pools[(slot.model_name, slot.mig_profile)].free, slot)

    def _add_node(self, pool: _Pool) -> None:
        index = self._nodes
        self._nodes += 1
        node = f"gpu-node-{index}"
        for gpu_index in range(GPUS_PER_NODE):
            for instance in range(instances_per_gpu(pool.mig)):
                slot = GpuSlot(index, gpu_index, instance, node, pool.model_name, pool.mig)
                heapq.heappush(pool.free, slot)

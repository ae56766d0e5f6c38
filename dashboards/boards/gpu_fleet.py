"""GPU fleet: every GPU DCGM reports, per node and per workload namespace; allocated but idle GPUs.

Reads DCGM's gauges directly (utilisation, framebuffer, engine activity, which MIG instances report
in place of utilisation, power and temperature where the exporter has them). Workload labels are the
ones the ``dcgm`` preset uses (``exported_pod``/``exported_namespace`` or ``pod``/``namespace``).
Without the ``dcgm`` preset the board has no rows.

Knows the panel factory and the shared queries.
"""

from __future__ import annotations

from metrics_adapter.promql import (
    BinOp,
    Duration,
    Expr,
    Selector,
    add,
    aggregate,
    avg_by,
    binary,
    div,
    max_over_time,
    mul,
    ne,
    or_,
    re,
    sum_by,
)

from ..assemble import BoardSpec, Row, Variable
from ..inputs import BoardInputs
from ..panels import Kind, PanelSpec, Query
from ..queries import pod_label

__all__ = ["IDLE_UTILISATION_PERCENT", "UID", "gpu_fleet_board"]

UID = "servescale-gpu-fleet"
NODE = "Hostname"
IDLE_WINDOW = Duration.minutes(30)
IDLE_UTILISATION_PERCENT = 5


def _gpus(metric: str, namespace_label: str, *extra: str) -> Selector:
    return Selector(
        metric, (re(NODE, "$node"), re(namespace_label, "$namespace|"), *(ne(e, "") for e in extra))
    )


def _idle(pod: str, namespace: str) -> Expr:
    """GPUs attached to a pod whose busiest moment of the idle window stayed under the threshold."""
    allocated = _gpus("DCGM_FI_DEV_FB_USED", namespace, pod)
    busiest = or_(
        max_over_time(_gpus("DCGM_FI_DEV_GPU_UTIL", namespace, pod), IDLE_WINDOW),
        mul(max_over_time(_gpus("DCGM_FI_PROF_GR_ENGINE_ACTIVE", namespace, pod), IDLE_WINDOW), 100),
    )
    return or_(
        aggregate("count", binary(BinOp.LT, busiest, IDLE_UTILISATION_PERCENT)),
        mul(0, aggregate("count", allocated)),
    )


def _count_panels(pod: str, namespace: str) -> list[PanelSpec]:
    used = _gpus("DCGM_FI_DEV_FB_USED", namespace)
    return [
        PanelSpec(
            "GPUs reporting",
            "Physical GPUs and MIG instances DCGM reports a framebuffer for.",
            "short",
            [Query(aggregate("count", used), "GPUs")],
            kind=Kind.STAT,
            width=6,
        ),
        PanelSpec(
            "Allocated but idle GPUs",
            f"GPUs attached to a pod whose utilisation stayed below {IDLE_UTILISATION_PERCENT} % "
            "for the last 30 minutes (0 when every allocated GPU worked).",
            "short",
            [Query(_idle(pod, namespace), "idle GPUs")],
            kind=Kind.STAT,
            width=6,
        ),
    ]


def _utilisation_panels(pod: str, namespace: str) -> list[PanelSpec]:
    util = _gpus("DCGM_FI_DEV_GPU_UTIL", namespace)
    engine = _gpus("DCGM_FI_PROF_GR_ENGINE_ACTIVE", namespace)
    return [
        PanelSpec(
            "Utilisation per node",
            "Mean GPU utilisation of each node's full GPUs (DCGM_FI_DEV_GPU_UTIL; MIG instances do "
            "not report it).",
            "percent",
            [Query(avg_by(util, NODE), "{{Hostname}}")],
            min=0,
            max=100,
        ),
        PanelSpec(
            "Utilisation per workload namespace",
            "Mean GPU utilisation of the GPUs attached to each namespace's pods.",
            "percent",
            [Query(avg_by(_gpus("DCGM_FI_DEV_GPU_UTIL", namespace, pod), namespace), f"{{{{{namespace}}}}}")],
            min=0,
            max=100,
        ),
        PanelSpec(
            "Engine activity (MIG-aware)",
            "Graphics-engine active ratio per GPU or MIG instance (DCGM_FI_PROF_GR_ENGINE_ACTIVE), "
            "the measure NVIDIA recommends for MIG.",
            "percentunit",
            [Query(avg_by(engine, NODE, "gpu", "GPU_I_ID"), "{{Hostname}} gpu {{gpu}} {{GPU_I_ID}}")],
            min=0,
            max=1,
        ),
    ]


def _memory_panels(pod: str, namespace: str) -> list[PanelSpec]:
    used, free = _gpus("DCGM_FI_DEV_FB_USED", namespace), _gpus("DCGM_FI_DEV_FB_FREE", namespace)
    used_by_namespace = sum_by(_gpus("DCGM_FI_DEV_FB_USED", namespace, pod), namespace)
    free_by_namespace = sum_by(_gpus("DCGM_FI_DEV_FB_FREE", namespace, pod), namespace)
    return [
        PanelSpec(
            "Framebuffer used / free per node",
            "GPU memory used and free, summed per node (DCGM_FI_DEV_FB_USED / _FREE, MiB).",
            "decmbytes",
            [Query(sum_by(used, NODE), "used {{Hostname}}"), Query(sum_by(free, NODE), "free {{Hostname}}")],
        ),
        PanelSpec(
            "Framebuffer used per workload namespace",
            "Share of the framebuffer of each namespace's GPUs in use.",
            "percentunit",
            [
                Query(
                    div(used_by_namespace, add(used_by_namespace, free_by_namespace)),
                    f"{{{{{namespace}}}}}",
                )
            ],
        ),
    ]


def _board_panels(namespace: str) -> list[PanelSpec]:
    """Power and temperature, where the exporter reports them."""
    return [
        PanelSpec(
            "Power per node",
            "Board power draw summed per node (DCGM_FI_DEV_POWER_USAGE), where the exporter reports it.",
            "watt",
            [Query(sum_by(_gpus("DCGM_FI_DEV_POWER_USAGE", namespace), NODE), "{{Hostname}}")],
        ),
        PanelSpec(
            "Temperature per node",
            "Hottest GPU of each node (DCGM_FI_DEV_GPU_TEMP), where the exporter reports it.",
            "celsius",
            [Query(aggregate("max", _gpus("DCGM_FI_DEV_GPU_TEMP", namespace), by=(NODE,)), "{{Hostname}}")],
        ),
    ]


def _rows(inputs: BoardInputs) -> list[Row]:
    if "gpu_utilization_percent" not in inputs.catalogue:
        return []
    pod, namespace = pod_label(inputs.catalogue, "gpu_utilization_percent")
    overview = [
        *_count_panels(pod, namespace),
        *_utilisation_panels(pod, namespace),
        *_memory_panels(pod, namespace),
        *_board_panels(namespace),
    ]
    return [Row("Fleet", overview)]


def gpu_fleet_board(inputs: BoardInputs) -> BoardSpec:
    namespace = (
        pod_label(inputs.catalogue, "gpu_utilization_percent")[1]
        if "gpu_utilization_percent" in inputs.catalogue
        else "namespace"
    )
    return BoardSpec(
        uid=UID,
        title="ServeScale / GPU fleet",
        description="Every GPU DCGM reports: utilisation, memory, engine activity, power, temperature, "
        "and GPUs allocated to pods but idle.",
        variables=[
            Variable("node", NODE, "DCGM_FI_DEV_FB_USED", all_values=True, description="GPU nodes"),
            Variable(
                "namespace",
                namespace,
                "DCGM_FI_DEV_FB_USED",
                all_values=True,
                description="Workload namespace",
            ),
        ],
        rows=_rows(inputs),
    )

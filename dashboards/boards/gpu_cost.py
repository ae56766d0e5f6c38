"""GPU cost: GPU-hours allocated and used per namespace over the dashboard range, the idle share, and
the cost at the prices given with ``--gpu-price``.

* allocated: GPUs requested by running containers (kube-state-metrics
  ``kube_pod_container_resource_requests{resource="nvidia_com_gpu"}``), integrated over the range;
* used: the utilisation of the GPUs attached to each namespace's pods (DCGM, ``gpu_utilization_percent``'s
  series: utilisation, or engine activity on MIG instances), as busy GPU-equivalents integrated over
  the range;
* cost: GPUs attached to pods per GPU model (DCGM's ``modelName``) times the price per GPU-hour of
  the first price key contained in the model name.

Integrals are ``avg_over_time(x[$__range:]) * $__range_s / 3600``: mean GPUs times hours. Without
``--gpu-price`` the cost panel is left out rather than priced at zero.

Knows the panel factory and the DCGM labels the catalogue uses.
"""

from __future__ import annotations

from decimal import Decimal

from metrics_adapter.promql import (
    Expr,
    Selector,
    Subquery,
    aggregate,
    avg_over_time,
    div,
    eq,
    label_replace,
    mul,
    ne,
    or_,
    re,
    sub,
    sum_by,
)

from ..assemble import BoardSpec, Row, Variable
from ..inputs import BoardInputs
from ..panels import RANGE, RANGE_SECONDS, Kind, PanelSpec, Query
from ..queries import pod_label

__all__ = ["UID", "gpu_cost_board"]

UID = "servescale-gpu-cost"
_HOUR = 3600


def _hours(gpus: Expr) -> Expr:
    """GPU-hours over the dashboard range from a GPU-count expression."""
    return div(mul(avg_over_time(Subquery(gpus, RANGE)), RANGE_SECONDS), _HOUR)


def _labels(inputs: BoardInputs) -> tuple[str, str]:
    if "gpu_utilization_percent" in inputs.catalogue:
        return pod_label(inputs.catalogue, "gpu_utilization_percent")
    return "pod", "namespace"


def _allocated() -> Expr:
    requests = Selector(
        "kube_pod_container_resource_requests",
        (eq("resource", "nvidia_com_gpu"), re("namespace", "$namespace")),
    )
    return sum_by(requests, "namespace")


def _used(pod: str, namespace: str) -> Expr:
    where = (ne(pod, ""), re(namespace, "$namespace"))
    # Whole GPUs by utilisation; MIG instances, which report no utilisation, by engine activity.
    busy: Expr = or_(
        div(Selector("DCGM_FI_DEV_GPU_UTIL", where), 100), Selector("DCGM_FI_PROF_GR_ENGINE_ACTIVE", where)
    )
    if namespace != "namespace":  # only ``namespace`` left, so it matches the allocated side
        busy = label_replace(busy, "namespace", "$1", namespace, "(.*)")
    return sum_by(busy, "namespace")


def _cost(prices: dict[str, Decimal], pod: str, namespace: str) -> Expr:
    parts: list[Expr] = []
    for key, price in sorted(prices.items()):
        gpus = Selector(
            "DCGM_FI_DEV_FB_USED",
            (ne(pod, ""), re(namespace, "$namespace"), re("modelName", f"(?i).*{_regex_literal(key)}.*")),
        )
        typed = label_replace(aggregate("count", gpus, by=(namespace,)), "gpu_price_key", key, "", "")
        parts.append(mul(_hours(typed), float(price)))
    total = parts[0]
    for part in parts[1:]:
        total = or_(total, part)
    per_namespace = sum_by(total, namespace)
    if namespace == "namespace":
        return per_namespace
    return label_replace(per_namespace, "namespace", "$1", namespace, "(.*)")


def _regex_literal(text: str) -> str:
    return "".join(f"\\{char}" if char in r".^$*+?()[]{}|\\" else char for char in text)


def gpu_cost_board(inputs: BoardInputs) -> BoardSpec:
    pod, namespace = _labels(inputs)
    allocated = _hours(_allocated())
    used = _hours(_used(pod, namespace))
    panels = [
        PanelSpec(
            "GPU-hours allocated per namespace",
            "GPUs requested by the namespace's containers (kube-state-metrics), integrated over the "
            "dashboard's time range.",
            "short",
            [Query(allocated, "{{namespace}}")],
            kind=Kind.TABLE,
        ),
        PanelSpec(
            "GPU-hours used per namespace",
            "Utilisation of the GPUs attached to the namespace's pods (DCGM) as busy GPUs, integrated "
            "over the range.",
            "short",
            [Query(used, "{{namespace}}")],
            kind=Kind.TABLE,
        ),
        PanelSpec(
            "Idle share of allocated GPU-hours",
            "1 - used / allocated over the range: what the namespace holds without using.",
            "percentunit",
            [Query(sub(1, div(used, allocated)), "{{namespace}}")],
            kind=Kind.TABLE,
        ),
    ]
    if inputs.gpu_prices:
        prices = ", ".join(f"{key} {value}" for key, value in sorted(inputs.gpu_prices.items()))
        panels.append(
            PanelSpec(
                "Cost of attached GPUs per namespace",
                f"GPU-hours of the GPUs attached to the namespace's pods, per GPU model, times the "
                f"price per GPU-hour ({prices}).",
                "currencyUSD",
                [Query(_cost(dict(inputs.gpu_prices), pod, namespace), "{{namespace}}")],
                kind=Kind.TABLE,
            )
        )
    return BoardSpec(
        uid=UID,
        title="ServeScale / GPU cost",
        description="GPU-hours allocated and used per namespace over the selected range, idle share and "
        "cost at the configured prices.",
        variables=[
            Variable(
                "namespace",
                "namespace",
                'kube_pod_container_resource_requests{resource="nvidia_com_gpu"}',
                all_values=True,
            )
        ],
        rows=[Row("GPU-hours over the selected range", panels)],
        time_from="now-7d",
    )

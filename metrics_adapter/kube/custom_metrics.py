"""``MetricValueList`` documents of custom.metrics.k8s.io, in v1beta1 and v1beta2.

The two versions carry the same data (kubernetes/metrics ``types.go`` and v1beta1
``conversion.go``) and differ only in shape:

==================  ===============================  ===================================
                    v1beta1                          v1beta2
==================  ===============================  ===================================
metric identity     ``metricName`` + ``selector``    ``metric: {name, selector}``
window              ``window`` (omitted if absent)   ``windowSeconds`` (omitted if absent)
absent selector     ``"selector": null``             ``"metric": {..., "selector": null}``
==================  ===============================  ===================================

Both lists are ``{"kind": "MetricValueList", "apiVersion": "custom.metrics.k8s.io/<v>",
"metadata": {}, "items": [...]}``; the HPA decodes by ``kind``/``apiVersion`` so both are always
written.

The pydantic models define and validate the shape and read documents back (from real servers, in
tests); they do not write. :func:`custom_metrics_document` is the one writer: it builds the plain
JSON-ready dict from already-validated ``MetricValue`` objects, because building hundreds of
validated models per request costs more than the query itself. Knows nothing of PromQL or HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Literal

from pydantic import Field

from metrics_adapter.kube.quantity import format_quantity
from metrics_adapter.kube.selector import LabelSelector
from metrics_adapter.kube.timestamps import format_time
from metrics_adapter.kube.values import MetricValue, ObjectReference
from metrics_adapter.kube.wire import (
    LabelSelectorWire,
    ListMeta,
    MetricItem,
    ObjectReferenceWire,
    WireModel,
    label_selector_to_wire,
)

__all__ = [
    "MetricIdentifier",
    "MetricValueListV1Beta1",
    "MetricValueListV1Beta2",
    "MetricValueV1Beta1",
    "MetricValueV1Beta2",
    "custom_metrics_document",
]


class MetricValueV1Beta1(MetricItem):
    _keep_null: ClassVar[frozenset[str]] = frozenset({"selector"})

    described_object: ObjectReferenceWire
    metric_name: str
    timestamp: str
    window: int | None = None
    value: str
    selector: LabelSelectorWire | None = None


class MetricValueListV1Beta1(WireModel):
    kind: Literal["MetricValueList"] = "MetricValueList"
    api_version: Literal["custom.metrics.k8s.io/v1beta1"] = "custom.metrics.k8s.io/v1beta1"
    metadata: ListMeta = Field(default_factory=ListMeta)
    items: list[MetricValueV1Beta1] = Field(default_factory=list)


class MetricIdentifier(WireModel):
    _keep_null: ClassVar[frozenset[str]] = frozenset({"selector"})

    name: str
    selector: LabelSelectorWire | None = None


class MetricValueV1Beta2(MetricItem):
    described_object: ObjectReferenceWire
    metric: MetricIdentifier
    timestamp: str
    window_seconds: int | None = None
    value: str


class MetricValueListV1Beta2(WireModel):
    kind: Literal["MetricValueList"] = "MetricValueList"
    api_version: Literal["custom.metrics.k8s.io/v1beta2"] = "custom.metrics.k8s.io/v1beta2"
    metadata: ListMeta = Field(default_factory=ListMeta)
    items: list[MetricValueV1Beta2] = Field(default_factory=list)


def _described(reference: ObjectReference) -> dict[str, str]:
    """``describedObject`` in ``ObjectReferenceWire`` field order, ``namespace`` omitted when absent."""
    described = {"kind": reference.kind}
    if reference.namespace is not None:
        described["namespace"] = reference.namespace
    described["name"] = reference.name
    described["apiVersion"] = reference.api_version
    return described


def _selector(selector: LabelSelector | None, cache: dict[int, Any]) -> Any:
    key = id(selector)
    if key not in cache:
        wire = label_selector_to_wire(selector)
        cache[key] = None if wire is None else wire.to_wire()
    return cache[key]


def custom_metrics_document(values: Iterable[MetricValue], *, version: str) -> dict[str, Any]:
    """The ``MetricValueList`` of ``values``, in order, for ``v1beta1`` or ``v1beta2``, as a JSON-ready dict.

    Keys come in the models' field order, ``null`` and omitted fields as the models write them.
    """
    selectors: dict[int, Any] = {}
    items: list[dict[str, Any]] = []
    for value in values:
        item: dict[str, Any] = {"describedObject": _described(value.described)}
        selector = _selector(value.selector, selectors)
        if version == "v1beta1":
            item["metricName"] = value.metric_name
        else:
            item["metric"] = {"name": value.metric_name, "selector": selector}
        item["timestamp"] = format_time(value.timestamp)
        if value.window_seconds is not None:
            item["window" if version == "v1beta1" else "windowSeconds"] = value.window_seconds
        item["value"] = format_quantity(value.value)
        if version == "v1beta1":
            item["selector"] = selector
        items.append(item)
    return {
        "kind": "MetricValueList",
        "apiVersion": f"custom.metrics.k8s.io/{version}",
        "metadata": {},
        "items": items,
    }

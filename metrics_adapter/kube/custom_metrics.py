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
written. ``to_v1beta1``/``to_v1beta2`` serialise internal ``MetricValue``s; the models also read
documents from real servers. Knows nothing of PromQL or HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar, Literal

from pydantic import Field

from metrics_adapter.kube.quantity import format_quantity
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
    "to_v1beta1",
    "to_v1beta2",
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


def _described(reference: ObjectReference) -> ObjectReferenceWire:
    return ObjectReferenceWire(
        kind=reference.kind,
        namespace=reference.namespace,
        name=reference.name,
        api_version=reference.api_version,
    )


def to_v1beta1(values: Iterable[MetricValue]) -> MetricValueListV1Beta1:
    """The custom.metrics.k8s.io/v1beta1 ``MetricValueList`` of ``values``, in order."""
    return MetricValueListV1Beta1(
        items=[
            MetricValueV1Beta1(
                described_object=_described(value.described),
                metric_name=value.metric_name,
                timestamp=format_time(value.timestamp),
                window=value.window_seconds,
                value=format_quantity(value.value),
                selector=label_selector_to_wire(value.selector),
            )
            for value in values
        ]
    )


def to_v1beta2(values: Iterable[MetricValue]) -> MetricValueListV1Beta2:
    """The custom.metrics.k8s.io/v1beta2 ``MetricValueList`` of ``values``, in order."""
    return MetricValueListV1Beta2(
        items=[
            MetricValueV1Beta2(
                described_object=_described(value.described),
                metric=MetricIdentifier(
                    name=value.metric_name, selector=label_selector_to_wire(value.selector)
                ),
                timestamp=format_time(value.timestamp),
                window_seconds=value.window_seconds,
                value=format_quantity(value.value),
            )
            for value in values
        ]
    )

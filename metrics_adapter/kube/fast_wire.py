"""Plain-dict serialisers for ``MetricValueList``: the server's hot path for large answers.

The pydantic models in ``custom_metrics`` define and validate the wire shape (and parse it back);
building hundreds of validated models per request costs more than the query itself, so the server
writes the same documents directly here from already-validated ``MetricValue`` objects, and
:func:`custom_metrics_json` encodes them with orjson into exactly the bytes Starlette's
``JSONResponse`` writes (compact separators, UTF-8, no ASCII escaping). Tests keep both paths
byte-identical.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

from metrics_adapter.kube.quantity import format_quantity
from metrics_adapter.kube.selector import LabelSelector
from metrics_adapter.kube.timestamps import format_time
from metrics_adapter.kube.values import MetricValue, ObjectReference
from metrics_adapter.kube.wire import label_selector_to_wire

__all__ = ["custom_metrics_document", "custom_metrics_json", "json_bytes"]


def _described(reference: ObjectReference) -> dict[str, str]:
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
    """The ``MetricValueList`` of ``values`` for ``v1beta1`` or ``v1beta2``, as a JSON-ready dict."""
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


def json_bytes(document: Any) -> bytes:
    """``document`` as compact UTF-8 JSON, byte for byte what ``JSONResponse`` renders."""
    return orjson.dumps(document)


def custom_metrics_json(values: Iterable[MetricValue], *, version: str) -> bytes:
    """The ``MetricValueList`` of ``values`` as the response body."""
    return orjson.dumps(custom_metrics_document(values, version=version))

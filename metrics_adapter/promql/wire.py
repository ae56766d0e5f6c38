"""The JSON of Prometheus's HTTP API (``/api/v1/query``, ``query_range``, ``series``), parsed with pydantic.

This is the edge: bodies are validated here and turned into the frozen result types. Anything that
does not fit raises :class:`PrometheusResponseError`. Knows nothing about HTTP transport or status codes.

Bodies are decoded with orjson. Instant vectors of float samples, the shape of every metrics-API
answer, are checked and converted by hand (:func:`_fast_vector`), several times faster than the
pydantic models; anything else, or anything that does not fit exactly, goes through the models,
which give the precise error.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from .errors import PrometheusResponseError
from .labels import Labels
from .result import HistogramBucket, HistogramSample, InstantVector, Matrix, RangeSeries, Sample, Scalar

__all__ = ["Envelope", "parse_envelope", "parse_query_data", "parse_series_data", "parse_value"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Envelope(_Model):
    """The outer object of every API response."""

    status: Literal["success", "error"]
    data: Any = None
    error_type: str | None = Field(default=None, alias="errorType")
    error: str | None = None
    warnings: tuple[str, ...] = ()


class _QueryData(_Model):
    result_type: Literal["vector", "matrix", "scalar", "string"] = Field(alias="resultType")
    result: Any


class _HistogramPayload(_Model):
    count: str
    sum: str
    buckets: tuple[tuple[int, str, str, str], ...] = ()


class _VectorItem(_Model):
    metric: dict[str, str] = {}
    value: tuple[float, str] | None = None
    histogram: tuple[float, _HistogramPayload] | None = None


class _MatrixItem(_Model):
    metric: dict[str, str] = {}
    values: tuple[tuple[float, str], ...] = ()
    histograms: tuple[tuple[float, _HistogramPayload], ...] = ()


_SCALAR = TypeAdapter(tuple[float, str])
_VECTOR = TypeAdapter(tuple[_VectorItem, ...])
_MATRIX = TypeAdapter(tuple[_MatrixItem, ...])
_SERIES = TypeAdapter(tuple[dict[str, str], ...])


def parse_value(text: str) -> float:
    """Parse a sample value: a decimal float, ``NaN``, ``+Inf`` or ``-Inf``. NaN stays NaN."""
    if not isinstance(text, str) or "_" in text:
        raise PrometheusResponseError(f"invalid sample value {text!r}")
    try:
        return float(text)
    except ValueError as exc:
        raise PrometheusResponseError(f"invalid sample value {text!r}") from exc


def parse_envelope(body: bytes) -> Envelope:
    try:
        return Envelope.model_validate(orjson.loads(body))
    except (orjson.JSONDecodeError, ValueError, ValidationError) as exc:
        raise PrometheusResponseError(f"malformed Prometheus response: {_excerpt(body)}") from exc


def parse_query_data(data: Any, *, warnings: tuple[str, ...] = ()) -> InstantVector | Scalar | Matrix:
    """Convert the ``data`` of a query or query_range response. A ``string`` result is refused."""
    if isinstance(data, dict) and data.get("resultType") == "vector":
        fast = _fast_vector(data.get("result"), warnings)
        if fast is not None:
            return fast
    try:
        parsed = _QueryData.model_validate(data)
        if parsed.result_type == "scalar":
            timestamp, value = _SCALAR.validate_python(parsed.result)
            return Scalar(_timestamp(timestamp), parse_value(value), warnings)
        if parsed.result_type == "vector":
            items = _VECTOR.validate_python(parsed.result)
            return _vector(items, warnings)
        if parsed.result_type == "matrix":
            rows = _MATRIX.validate_python(parsed.result)
            return Matrix(tuple(_series(row) for row in rows), warnings)
    except ValidationError as exc:
        raise PrometheusResponseError(f"malformed query result: {exc.error_count()} errors") from exc
    raise PrometheusResponseError("string results are not supported")


def parse_series_data(data: Any) -> list[Labels]:
    """Convert the ``data`` of a ``/api/v1/series`` response: a list of label sets."""
    try:
        return [Labels(item) for item in _SERIES.validate_python(data)]
    except ValidationError as exc:
        raise PrometheusResponseError(f"malformed series result: {exc.error_count()} errors") from exc


def _vector(items: tuple[_VectorItem, ...], warnings: tuple[str, ...]) -> InstantVector:
    samples: list[Sample] = []
    histograms: list[HistogramSample] = []
    for item in items:
        labels = Labels(item.metric)
        if item.value is not None:
            samples.append(Sample(labels, _timestamp(item.value[0]), parse_value(item.value[1])))
        elif item.histogram is not None:
            histograms.append(_histogram(labels, *item.histogram))
        else:
            raise PrometheusResponseError(f"vector element {dict(labels)} has neither value nor histogram")
    return InstantVector(tuple(samples), tuple(histograms), warnings)


def _fast_vector(result: Any, warnings: tuple[str, ...]) -> InstantVector | None:
    """The vector of float samples in ``result``, or None when it is anything else (histograms,
    odd types, a bad value): the caller then validates it with the models and reports why."""
    if not isinstance(result, list):
        return None
    samples: list[Sample] = []
    append = samples.append
    try:
        for item in result:
            metric = item["metric"]
            timestamp, text = item["value"]
            if type(metric) is not dict or type(text) is not str or "_" in text:
                return None
            if type(timestamp) is not float and type(timestamp) is not int:
                return None
            for label_value in metric.values():
                if type(label_value) is not str:
                    return None
            value = float(text)
            if not math.isfinite(timestamp):
                return None
            append(Sample(Labels.from_wire(metric), float(timestamp), value))
    except (KeyError, TypeError, ValueError):
        return None
    return InstantVector(tuple(samples), (), warnings)


def _series(row: _MatrixItem) -> RangeSeries:
    labels = Labels(row.metric)
    return RangeSeries(
        labels,
        tuple(_timestamp(ts) for ts, _ in row.values),
        tuple(parse_value(value) for _, value in row.values),
        tuple(_histogram(labels, ts, payload) for ts, payload in row.histograms),
    )


def _histogram(labels: Labels, timestamp: float, payload: _HistogramPayload) -> HistogramSample:
    buckets = tuple(
        HistogramBucket(rule, parse_value(lower), parse_value(upper), parse_value(count))
        for rule, lower, upper, count in payload.buckets
    )
    return HistogramSample(
        labels, _timestamp(timestamp), parse_value(payload.count), parse_value(payload.sum), buckets
    )


def _timestamp(value: float) -> float:
    if not math.isfinite(value):
        raise PrometheusResponseError(f"invalid sample timestamp {value!r}")
    return value


def _excerpt(body: bytes, limit: int = 200) -> str:
    text = body[:limit].decode("utf-8", errors="replace")
    return repr(text + ("..." if len(body) > limit else ""))

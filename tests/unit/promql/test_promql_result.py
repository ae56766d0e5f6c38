"""Labels and result types: NaN/Inf kept, empty is not an error, lookups by label."""

from __future__ import annotations

import math

import pytest

from metrics_adapter.promql import InstantVector, Labels, Matrix, RangeSeries, Sample, Scalar


def _sample(value: float, **labels: str) -> Sample:
    return Sample(Labels(labels), 1700000000.5, value)


def test_labels_are_an_immutable_hashable_mapping() -> None:
    labels = Labels({"pod": "a", "__name__": "up"}, job="j")
    assert dict(labels) == {"__name__": "up", "job": "j", "pod": "a"}
    assert list(labels) == ["__name__", "job", "pod"]
    assert labels == Labels([("job", "j"), ("pod", "a"), ("__name__", "up")])
    assert labels == {"pod": "a", "job": "j", "__name__": "up"}
    assert labels != Labels(pod="a")
    assert hash(labels) == hash(Labels(pod="a", job="j", __name__="up"))
    assert labels.metric_name == "up"
    assert Labels(pod="a").metric_name is None
    assert labels.without("__name__", "job") == Labels(pod="a")
    with pytest.raises(TypeError):
        labels["x"] = "y"  # type: ignore[index]


def test_labels_from_the_wire_behave_as_labels_built_any_other_way() -> None:
    """``from_wire`` keeps Prometheus' dict as it came and sorts only when asked to."""
    wire = {"pod": "a", "job": "j", "__name__": "up"}
    labels = Labels.from_wire(wire)
    built = Labels(pod="a", job="j", __name__="up")
    assert list(labels) == ["__name__", "job", "pod"]
    assert list(labels.items()) == list(built.items())
    assert labels == built
    assert hash(labels) == hash(built)
    assert {labels: 1}[built] == 1
    assert len(labels) == 3
    assert labels["job"] == "j"
    assert labels.get("x") is None
    assert labels.without("job") == Labels(pod="a", __name__="up")
    assert repr(labels) == repr(built)
    assert Labels.from_wire({"pod": "b"}) != built


def test_labels_refuse_non_string_values() -> None:
    with pytest.raises(TypeError):
        Labels({"a": 1})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "is_nan", "is_finite"),
    [
        pytest.param(1.5, False, True, id="finite"),
        pytest.param(0.0, False, True, id="zero"),
        pytest.param(math.nan, True, False, id="nan"),
        pytest.param(math.inf, False, False, id="inf"),
        pytest.param(-math.inf, False, False, id="minus-inf"),
    ],
)
def test_sample_and_scalar_flags(value: float, is_nan: bool, is_finite: bool) -> None:
    assert (_sample(value).is_nan, _sample(value).is_finite) == (is_nan, is_finite)
    assert (Scalar(1.0, value).is_nan, Scalar(1.0, value).is_finite) == (is_nan, is_finite)


def test_instant_vector_finite_and_nan_count() -> None:
    vector = InstantVector(
        (
            _sample(1.0, pod="a"),
            _sample(math.nan, pod="b"),
            _sample(math.inf, pod="c"),
            _sample(math.nan, pod="d"),
        )
    )
    assert vector.nan_count == 2
    assert [s.labels["pod"] for s in vector.finite()] == ["a"]
    assert len(vector) == 4
    assert not vector.is_empty


def test_empty_vector() -> None:
    vector = InstantVector()
    assert vector.is_empty
    assert len(vector) == 0
    assert vector.nan_count == 0
    assert vector.by_label("pod") == {}


def test_by_label_keys_samples_and_skips_unlabelled() -> None:
    a, b, other = _sample(1.0, pod="a"), _sample(2.0, pod="b"), _sample(3.0, node="n")
    assert InstantVector((a, b, other)).by_label("pod") == {"a": a, "b": b}


def test_by_label_refuses_ambiguous_values() -> None:
    vector = InstantVector((_sample(1.0, pod="a", c="1"), _sample(2.0, pod="a", c="2")))
    with pytest.raises(ValueError, match="pod='a'"):
        vector.by_label("pod")


def test_range_series_and_matrix() -> None:
    series = RangeSeries(Labels(pod="a"), (10.0, 20.0), (1.0, math.nan))
    assert len(series) == 2
    assert [(s.timestamp, s.is_nan) for s in series.samples()] == [(10.0, False), (20.0, True)]
    matrix = Matrix((series, RangeSeries(Labels(pod="b"), (), ())))
    assert set(matrix.by_label("pod")) == {"a", "b"}
    with pytest.raises(ValueError, match="timestamps"):
        RangeSeries(Labels(), (1.0,), ())

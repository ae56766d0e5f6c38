"""A metric selector as the controller puts it in the query string (``String()`` of the selector)."""

from __future__ import annotations

import pytest

from metrics_adapter.kube import LabelSelector, Operator, Requirement, parse_selector


@pytest.mark.parametrize(
    ("selector", "text"),
    [
        pytest.param(LabelSelector.from_labels({"queue": "jobs"}), "queue=jobs", id="one-label"),
        pytest.param(
            LabelSelector.from_labels({"horizon": "195s", "deployment": "llama"}),
            "deployment=llama,horizon=195s",
            id="sorted-by-key",
        ),
        pytest.param(
            LabelSelector(
                (
                    Requirement("z", Operator.EQUALS, ("1",)),
                    Requirement("tier", Operator.IN, ("b", "a")),
                    Requirement("x", Operator.NOT_IN, ("c",)),
                    Requirement("gpu", Operator.EXISTS),
                ),
            ),
            "gpu,tier in (a,b),x notin (c),z=1",
            id="expressions",
        ),
        pytest.param(
            LabelSelector((Requirement("canary", Operator.DOES_NOT_EXIST),)), "!canary", id="does-not-exist"
        ),
    ],
)
def test_selector_string(selector: LabelSelector, text: str) -> None:
    assert str(selector) == text
    labels = {"queue": "jobs", "horizon": "195s", "deployment": "llama", "z": "1", "tier": "a", "gpu": "h100"}
    assert parse_selector(text).matches(labels) == selector.matches(labels)

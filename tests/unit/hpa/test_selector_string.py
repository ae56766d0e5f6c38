"""``selector_string``: a metric selector as the controller puts it in the query string."""

from __future__ import annotations

import pytest

from autoscaler.hpa.selector import LabelSelector, Requirement, parse_selector, selector_string


@pytest.mark.parametrize(
    ("selector", "text"),
    [
        pytest.param(LabelSelector((("queue", "jobs"),)), "queue=jobs", id="one-label"),
        pytest.param(
            LabelSelector((("horizon", "195s"), ("deployment", "llama"))),
            "deployment=llama,horizon=195s",
            id="sorted-by-key",
        ),
        pytest.param(
            LabelSelector(
                (("z", "1"),),
                (
                    Requirement("tier", "In", ("b", "a")),
                    Requirement("x", "NotIn", ("c",)),
                    Requirement("gpu", "Exists"),
                ),
            ),
            "gpu,tier in (a,b),x notin (c),z=1",
            id="expressions",
        ),
        pytest.param(
            LabelSelector((), (Requirement("canary", "DoesNotExist"),)), "!canary", id="does-not-exist"
        ),
    ],
)
def test_selector_string(selector: LabelSelector, text: str) -> None:
    assert selector_string(selector) == text
    labels = {"queue": "jobs", "horizon": "195s", "deployment": "llama", "z": "1", "tier": "a", "gpu": "h100"}
    assert parse_selector(text).matches(labels) == selector.matches(labels)

"""The invalid example files next to this test fail with errors naming the file, SLO and field."""

from pathlib import Path

import pytest

from slo.spec import SpecError, load_slo_file

INVALID = Path(__file__).resolve().parent / "invalid"


CASES = [
    pytest.param(
        "native-latency-threshold.yaml",
        'slos[2] "llama-latency"',
        "sli.thresholdMs",
        "must be > 0",
        id="native-threshold",
    ),
    pytest.param(
        "native-calendar-zone.yaml",
        'slos[0] "llama-latency"',
        "window.timeZone",
        "unknown time zone",
        id="native-zone",
    ),
    pytest.param(
        "native-objective-ratio.yaml",
        'slos[0] "llama-availability"',
        "objective",
        "must be < 100",
        id="native-objective",
    ),
    pytest.param(
        "openslo-missing-sli.yaml",
        'SLO "llama-availability"',
        "spec.indicatorRef",
        "no SLI named",
        id="openslo-ref",
    ),
    pytest.param(
        "openslo-ratio-timeslices.yaml",
        'SLO "llama-availability"',
        "spec.budgetingMethod",
        "not supported",
        id="openslo-method",
    ),
    pytest.param(
        "openslo-calendar-week.yaml",
        'SLO "llama-availability"',
        "spec.timeWindow[0].duration",
        "1M or 1Q",
        id="openslo-week",
    ),
    pytest.param(
        "openslo-datadog-source.yaml",
        'SLO "llama-availability"',
        "spec.indicator.spec.ratioMetric.good.metricSource.type",
        "only Prometheus",
        id="openslo-datadog",
    ),
    pytest.param(
        "sloth-objective-100.yaml",
        'slos[0] "requests-availability"',
        "objective",
        "< 100",
        id="sloth-objective",
    ),
    pytest.param(
        "sloth-sli-plugin.yaml",
        'slos[0] "requests-availability"',
        "sli.plugin",
        "not supported",
        id="sloth-plugin",
    ),
]


@pytest.mark.parametrize(("name", "where", "field", "message"), CASES)
def test_invalid_file(name: str, where: str, field: str, message: str) -> None:
    path = INVALID / name
    with pytest.raises(SpecError) as caught:
        load_slo_file(path)
    (issue,) = caught.value.issues
    assert issue.where == f"{path}: {where}"
    assert issue.field == field
    assert message in issue.message
    assert str(issue).startswith(f"{path}: {where}: {field}: ")


def test_every_invalid_file_is_covered() -> None:
    assert {case.values[0] for case in CASES} == {path.name for path in INVALID.glob("*.yaml")}

"""Sloth's and OpenSLO's own example specs (mirrored under ``tests/data/specs``) load, or are refused
with an issue naming the file, the entry and the unsupported field.

Each case lists the fixture files read as one stream (OpenSLO objects may refer to each other across
them) and, for OpenSLO object libraries with no SLO, a small SLO of ours that uses their objects the
way a user would. ``loaded`` is the SLO ids expected; ``refused`` is every issue expected, as
``(where, field, part of the message)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from slo.spec import RatioSLI, RawRatioSLI, SpecError, ThresholdSLI, Timeslices, load_slo_file
from slo.window import RollingWindow

DATA = Path(__file__).resolve().parents[2] / "data" / "specs"


@dataclass(frozen=True)
class Case:
    files: tuple[str, ...]
    loaded: tuple[str, ...] = ()
    refused: tuple[tuple[str, str, str], ...] = ()
    uses: str = ""  # an SLO of ours, appended, that refers to the files' objects


def _slo(name: str, spec: str) -> str:
    """An OpenSLO SLO document using the objects of a library file; ``spec`` is indented YAML."""
    return f"""apiVersion: openslo/v1
kind: SLO
metadata: {{name: {name}}}
spec:
  service: web
  budgetingMethod: Occurrences
{spec}"""


PROMETHEUS_SLI = """  indicator:
    metadata: {name: requests}
    spec:
      ratioMetric:
        counter: true
        good: {metricSource: {type: Prometheus, spec: {query: 'sum(requests_total{code!~"5.."})'}}}
        total: {metricSource: {type: Prometheus, spec: {query: sum(requests_total)}}}
  objectives: [{target: 0.99}]
"""


def _with_policy(name: str, policy: str) -> str:
    return _slo(name, PROMETHEUS_SLI + f"  alertPolicies:\n{policy}")


DOCUMENT_PLUGIN = "SLO plugins are not supported"
V1_ONLY = "only openslo/v1 is supported, got 'openslo/v1alpha'"
NOT_PROMETHEUS = "only Prometheus metric sources are supported"

SLOTH = {
    "getting-started.yml": Case(("sloth/getting-started.yml",), loaded=("myservice-requests-availability",)),
    "k8s-getting-started.yml": Case(
        ("sloth/k8s-getting-started.yml",), loaded=("myservice-requests-availability",)
    ),
    "home-wifi.yml": Case(
        ("sloth/home-wifi.yml",),
        loaded=("home-wifi-good-wifi-client-satisfaction", "home-wifi-risk-wifi-client-satisfaction"),
    ),
    "k8s-home-wifi.yml": Case(
        ("sloth/k8s-home-wifi.yml",),
        loaded=("home-wifi-good-wifi-client-satisfaction", "home-wifi-risk-wifi-client-satisfaction"),
    ),
    "multifile.yml": Case(
        ("sloth/multifile.yml",),
        loaded=("myservice-requests-availability", "myservice2-requests-availability"),
    ),
    "k8s-multifile.yml": Case(
        ("sloth/k8s-multifile.yml",),
        loaded=("myservice-requests-availability", "myservice2-requests-availability"),
    ),
    "kubernetes-apiserver.yml": Case(
        ("sloth/kubernetes-apiserver.yml",),
        loaded=("k8s-apiserver-requests-availability", "k8s-apiserver-requests-latency"),
    ),
    "no-alerts.yml": Case(("sloth/no-alerts.yml",), loaded=("myapp-http-availability",)),
    "raw-home-wifi.yml": Case(("sloth/raw-home-wifi.yml",), loaded=("home-wifi-wifi-client-satisfaction",)),
    "plugin-getting-started.yml": Case(
        ("sloth/plugin-getting-started.yml",),
        refused=(('slos[0] "requests-availability"', "sli.plugin", "getting_started_availability"),),
    ),
    "plugin-k8s-getting-started.yml": Case(
        ("sloth/plugin-k8s-getting-started.yml",),
        refused=(('spec.slos[0] "requests-availability"', "sli.plugin", "SLI plugins are not supported"),),
    ),
    "slo-plugin-getting-started.yml": Case(
        ("sloth/slo-plugin-getting-started.yml",),
        refused=(("", "slo_plugins", f"{DOCUMENT_PLUGIN} (sloth.dev/core/debug/v1)"),),
    ),
    "slo-plugin-k8s-getting-started.yml": Case(
        ("sloth/slo-plugin-k8s-getting-started.yml",), refused=(("", "spec.sloPlugins", DOCUMENT_PLUGIN),)
    ),
    "contrib-denominator-corrected.yaml": Case(
        ("sloth/contrib-denominator-corrected.yaml",),
        refused=(("", "spec.sloPlugins", "sloth.dev/contrib/denominator_corrected_rules/v1"),),
    ),
    "contrib-slo-plugins.yml": Case(
        ("sloth/contrib-slo-plugins.yml",),
        refused=(
            (
                'slos[0] "requests-availability-contrib-plugin-info-labels-v1"',
                "plugins",
                "sloth.dev/contrib/info_labels/v1",
            ),
            (
                'slos[1] "requests-availability-contrib-plugin-rule-intervals-v1"',
                "plugins",
                "sloth.dev/contrib/rule_intervals/v1",
            ),
        ),
    ),
    "victoria-metrics.yml": Case(
        ("sloth/victoria-metrics.yml",),
        refused=(("", "slo_plugins", "sloth.dev/contrib/validate_victoria_metrics/v1"),),
    ),
    "openslo-getting-started.yml": Case(
        ("sloth/openslo-getting-started.yml",),
        refused=(('document[0] SLO "sloth-slo-my-service"', "apiVersion", V1_ONLY),),
    ),
    "openslo-kubernetes-apiserver.yml": Case(
        ("sloth/openslo-kubernetes-apiserver.yml",),
        refused=(
            ('document[0] SLO "requests-availability-openslo"', "apiVersion", V1_ONLY),
            ('document[1] SLO "requests-latency-openslo"', "apiVersion", V1_ONLY),
        ),
    ),
    "windows/7d.yaml": Case(("sloth/windows/7d.yaml",), refused=(("", "kind", "AlertWindows"),)),
    "windows/custom-30d.yaml": Case(
        ("sloth/windows/custom-30d.yaml",), refused=(("", "kind", "AlertWindows"),)
    ),
}

OPENSLO = {
    "examples/occurences-slo.yaml": Case(
        ("openslo/examples/occurences-slo.yaml",),
        refused=(
            (
                'SLO "search-slo"',
                "spec.indicator.spec.thresholdMetric.metricSource.type",
                f"{NOT_PROMETHEUS}, got 'Any'",
            ),
        ),
    ),
    "examples/ratio-timeslices.yaml": Case(
        ("openslo/examples/ratio-timeslices.yaml",),
        refused=(('SLO "main-page"', "spec.budgetingMethod", "RatioTimeslices is not supported"),),
    ),
    "examples/timeslices-slo.yaml": Case(
        ("openslo/examples/timeslices-slo.yaml",),
        refused=(('SLO "service-availability"', "spec.timeWindow[0].duration", "got '1m'"),),
    ),
    "examples/low-traffic-timeslices-slo.yaml": Case(
        ("openslo/examples/low-traffic-timeslices-slo.yaml",),
        refused=(('SLO "service-availability"', "spec.timeWindow[0].duration", "got '1w'"),),
    ),
    "sdk-v1/slos.yaml": Case(
        ("openslo/sdk-v1/slos.yaml",),
        refused=(('SLO "web-availability"', "spec.timeWindow[0].duration", "got '1w'"),),
    ),
    "sdk-v1/slis.yaml search-availability": Case(
        ("openslo/sdk-v1/slis.yaml",),
        uses=_slo("uses-search", "  indicatorRef: search-availability\n  objectives: [{target: 0.99}]\n"),
        refused=(
            (
                'SLO "uses-search"',
                'SLI "search-availability" spec.ratioMetric.total.metricSource.type',
                "Datadog",
            ),
        ),
    ),
    "sdk-v1/slis.yaml end-user-response": Case(
        ("openslo/sdk-v1/slis.yaml",),
        uses=_slo("uses-end-user", "  indicatorRef: end-user-response\n  objectives: [{target: 0.99}]\n"),
        refused=(
            (
                'SLO "uses-end-user"',
                'SLI "end-user-response" spec.ratioMetric.total.metricSource.type',
                "AppDynamics",
            ),
        ),
    ),
    "sdk-v1/slis.yaml wifi-client-satisfaction": Case(
        ("openslo/sdk-v1/slis.yaml",),
        uses=_slo("uses-wifi", "  indicatorRef: wifi-client-satisfaction\n  objectives: [{target: 0.95}]\n"),
        loaded=("web-uses-wifi",),
    ),
    "sdk-v1/slis.yaml annotator-throughput": Case(
        ("openslo/sdk-v1/slis.yaml",),
        uses=_slo(
            "uses-annotator",
            "  indicatorRef: annotator-throughput\n  objectives: [{op: lte, value: 100, target: 0.99}]\n",
        ),
        loaded=("web-uses-annotator",),
    ),
    "sdk-v1/data_sources.yaml prometheus": Case(
        ("openslo/sdk-v1/data_sources.yaml",),
        uses=_slo(
            "uses-prometheus",
            """  indicator:
    metadata: {name: from-ref}
    spec:
      ratioMetric:
        good: {metricSource: {metricSourceRef: prometheus, spec: {query: sum(ok_total)}}}
        total: {metricSource: {metricSourceRef: prometheus, spec: {query: sum(all_total)}}}
  objectives: [{target: 0.99}]
""",
        ),
        loaded=("web-uses-prometheus",),
    ),
    "sdk-v1/data_sources.yaml datadog": Case(
        ("openslo/sdk-v1/data_sources.yaml",),
        uses=_slo(
            "uses-datadog",
            """  indicator:
    metadata: {name: from-ref}
    spec:
      ratioMetric:
        good: {metricSource: {metricSourceRef: datadog, spec: {query: ok}}}
        total: {metricSource: {metricSourceRef: datadog, spec: {query: all}}}
  objectives: [{target: 0.99}]
""",
        ),
        refused=(
            (
                'SLO "uses-datadog"',
                "spec.indicator.spec.ratioMetric.total.metricSource.type",
                "got 'Datadog'",
            ),
        ),
    ),
    "sdk-v1/services.yaml": Case(
        ("openslo/sdk-v1/services.yaml",),
        uses=_slo("uses-service", PROMETHEUS_SLI).replace("service: web", "service: example-service"),
        loaded=("example-service-uses-service",),
    ),
    "sdk-v1/alert_policies.yaml high-priority": Case(
        ("openslo/sdk-v1/alert_policies.yaml", "openslo/sdk-v1/alert_conditions.yaml"),
        uses=_with_policy("uses-high", "    - alertPolicyRef: high-priority\n"),
        loaded=("web-uses-high",),
    ),
    "sdk-v1/alert_policies.yaml low-priority": Case(
        ("openslo/sdk-v1/alert_policies.yaml", "openslo/sdk-v1/alert_conditions.yaml"),
        uses=_with_policy("uses-low", "    - alertPolicyRef: low-priority\n"),
        refused=(
            (
                'SLO "uses-low"',
                "spec.alertPolicies[0].spec.conditions[0].spec.condition.op",
                "use gt or gte",
            ),
        ),
    ),
    "sdk-v1/alert_policies.yaml medium-priority": Case(
        ("openslo/sdk-v1/alert_policies.yaml", "openslo/sdk-v1/alert_conditions.yaml"),
        uses=_with_policy("uses-medium", "    - alertPolicyRef: medium-priority\n"),
        refused=(
            (
                'SLO "uses-medium"',
                "spec.alertPolicies[0].spec.conditions[0].spec.condition.op",
                "use gt or gte",
            ),
        ),
    ),
    "sdk-v1/alert_conditions.yaml latency-too-high": Case(
        ("openslo/sdk-v1/alert_conditions.yaml",),
        uses=_with_policy(
            "uses-latency-condition",
            "    - kind: AlertPolicy\n      metadata: {name: inline}\n"
            "      spec: {conditions: [{conditionRef: latency-too-high}]}\n",
        ),
        refused=(
            (
                'SLO "uses-latency-condition"',
                "spec.alertPolicies[0].spec.conditions[0].spec.severity",
                "got 'warning'",
            ),
        ),
    ),
    "sdk-v1/alert_notification_targets.yaml": Case(
        ("openslo/sdk-v1/alert_notification_targets.yaml", "openslo/sdk-v1/alert_policies.yaml"),
        uses=_with_policy(
            "uses-targets",
            "    - kind: AlertPolicy\n      metadata: {name: inline}\n      spec:\n"
            "        conditions: [{conditionRef: memory}]\n"
            "        notificationTargets:\n"
            "          - targetRef: devs-email-notification\n"
            "          - targetRef: pd-on-call-notification\n"
            "---\n"
            "apiVersion: openslo/v1\nkind: AlertCondition\nmetadata: {name: memory}\n"
            "spec: {severity: page, condition: {op: gt, threshold: 14.4, lookbackWindow: 1h}}\n",
        ),
        loaded=("web-uses-targets",),
    ),
}


def _load(case: Case, tmp_path: Path) -> tuple[Path, object]:
    """Read the case's files as one stream from one file (so messages name it)."""
    if len(case.files) == 1 and not case.uses:
        path = DATA / case.files[0]
    else:
        texts = [(DATA / name).read_text(encoding="utf-8") for name in case.files]
        path = tmp_path / Path(case.files[0]).name
        path.write_text("\n---\n".join([*texts, case.uses] if case.uses else texts), encoding="utf-8")
    try:
        return path, load_slo_file(path)
    except SpecError as exc:
        return path, exc


def _params(table: dict[str, Case]) -> list[object]:
    return [pytest.param(case, id=name) for name, case in table.items()]


@pytest.mark.parametrize("case", _params(SLOTH) + _params(OPENSLO))
def test_upstream_example(case: Case, tmp_path: Path) -> None:
    path, outcome = _load(case, tmp_path)
    if case.loaded:
        assert not isinstance(outcome, SpecError), str(outcome)
        assert isinstance(outcome, tuple)
        assert tuple(slo.slo_id for slo in outcome) == case.loaded
        return
    assert isinstance(outcome, SpecError), f"{path} loaded but should be refused"
    got = [(issue.where, issue.field, issue.message) for issue in outcome.issues]
    assert len(got) == len(case.refused), got
    for (where, field, fragment), (got_where, got_field, message) in zip(case.refused, got, strict=True):
        assert got_where == f"{path}: {where}" if where else got_where == str(path)
        assert got_field == field
        assert fragment in message


def test_every_fixture_has_a_case() -> None:
    covered = {name for case in [*SLOTH.values(), *OPENSLO.values()] for name in case.files}
    fixtures = {str(path.relative_to(DATA)) for path in DATA.rglob("*.y*ml")}
    assert fixtures == covered


def test_every_fixture_names_what_it_mirrors() -> None:
    for path in DATA.rglob("*.y*ml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# Mirrors "), path
        assert "slok/sloth examples/" in first or "OpenSLO/OpenSLO " in first, path


def test_loaded_sloth_examples_keep_what_they_say() -> None:
    """Spot checks of what the loaded Sloth examples become: period, SLI kinds, disabled alerts."""
    wifi_good, wifi_risk = load_slo_file(DATA / "sloth/home-wifi.yml")
    assert isinstance(wifi_good.sli, RatioSLI)
    assert wifi_good.sli.bad is not None
    assert "< 0.75" in wifi_good.sli.bad
    assert wifi_good.window == RollingWindow(30 * 86_400)
    assert wifi_risk.alerting.page.labels == (("severity", "home"),)
    (raw,) = load_slo_file(DATA / "sloth/raw-home-wifi.yml")
    assert isinstance(raw.sli, RawRatioSLI)
    (quiet,) = load_slo_file(DATA / "sloth/no-alerts.yml")
    assert not quiet.alerting.enabled
    first, second = load_slo_file(DATA / "sloth/multifile.yml")
    assert (first.label_map["tier"], second.label_map["tier"]) == ("2", "1")


def test_loaded_openslo_examples_keep_what_they_say(tmp_path: Path) -> None:
    _, loaded = _load(OPENSLO["sdk-v1/slis.yaml annotator-throughput"], tmp_path)
    assert isinstance(loaded, tuple)
    (annotator,) = loaded
    assert isinstance(annotator.sli, ThresholdSLI)
    assert "kafka_consumergroup_lag" in str(annotator.sli.query)
    _, loaded = _load(OPENSLO["sdk-v1/alert_policies.yaml high-priority"], tmp_path)
    assert isinstance(loaded, tuple)
    (high,) = loaded
    (tier,) = high.alerting.windows
    assert (tier.long_window, tier.short_window, tier.alert_after) == (3600, 300, 300)
    assert high.alerting.notification_targets == ("on-call-pd-notification",)
    _, loaded = _load(OPENSLO["sdk-v1/alert_notification_targets.yaml"], tmp_path)
    assert isinstance(loaded, tuple)
    assert loaded[0].alerting.notification_targets == ("devs-email-notification", "pd-on-call-notification")
    assert not isinstance(loaded[0].budgeting, Timeslices)

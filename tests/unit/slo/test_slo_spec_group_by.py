"""Labels an OpenSLO or Sloth ratio SLO keeps (``RatioSLI.per_label``), declared in metadata."""

from __future__ import annotations

import re

import pytest

from slo.spec import RatioSLI, SpecError, load_slos
from slo.spec.group_by import OPENSLO_GROUP_BY, SLOTH_GROUP_BY

GOOD = 'sum by (namespace, pod) (rate(requests_total{code!~"5.."}[{{.window}}]))'
TOTAL = "sum by (namespace, pod) (rate(requests_total[{{.window}}]))"


def _openslo(*, slo_annotation: str | None = None, sli_annotation: str | None = None, sli: str = "") -> str:
    slo_meta = (
        f"  annotations: {{{OPENSLO_GROUP_BY}: '{slo_annotation}'}}\n" if slo_annotation is not None else ""
    )
    sli_meta = (
        f"      annotations: {{{OPENSLO_GROUP_BY}: '{sli_annotation}'}}\n"
        if sli_annotation is not None
        else ""
    )
    sli = sli or (
        "      ratioMetric:\n"
        f"        good: {{metricSource: {{type: Prometheus, spec: {{query: '{GOOD}'}}}}}}\n"
        f"        total: {{metricSource: {{type: Prometheus, spec: {{query: '{TOTAL}'}}}}}}\n"
    )
    return f"""apiVersion: openslo/v1
kind: SLO
metadata:
  name: availability
{slo_meta}spec:
  service: web
  budgetingMethod: Occurrences
  indicator:
    metadata:
      name: requests
{sli_meta}    spec:
{sli}  objectives: [{{target: 0.99}}]
"""


def _per_label(text: str) -> tuple[str, ...]:
    (slo,) = load_slos(text)
    assert isinstance(slo.sli, RatioSLI)
    return slo.sli.per_label


@pytest.mark.parametrize(
    ("slo_annotation", "sli_annotation", "expected"),
    [
        pytest.param(None, None, (), id="none-by-default"),
        pytest.param("namespace,pod", None, ("namespace", "pod"), id="on-the-slo"),
        pytest.param(None, "namespace, pod", ("namespace", "pod"), id="on-the-sli"),
        pytest.param("namespace", "namespace,pod", ("namespace",), id="slo-wins"),
        pytest.param("", "pod", (), id="slo-says-none"),
    ],
)
def test_openslo_annotation(
    slo_annotation: str | None, sli_annotation: str | None, expected: tuple[str, ...]
) -> None:
    assert _per_label(_openslo(slo_annotation=slo_annotation, sli_annotation=sli_annotation)) == expected


def test_openslo_annotation_on_a_referenced_sli() -> None:
    text = f"""apiVersion: openslo/v1
kind: SLI
metadata:
  name: requests
  annotations: {{{OPENSLO_GROUP_BY}: pod}}
spec:
  ratioMetric:
    good: {{metricSource: {{type: Prometheus, spec: {{query: '{GOOD}'}}}}}}
    total: {{metricSource: {{type: Prometheus, spec: {{query: '{TOTAL}'}}}}}}
---
apiVersion: openslo/v1
kind: SLO
metadata: {{name: availability}}
spec:
  service: web
  budgetingMethod: Occurrences
  indicatorRef: requests
  objectives: [{{target: 0.99}}]
"""
    assert _per_label(text) == ("pod",)


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        pytest.param(
            _openslo(slo_annotation="namespace,pod-name"),
            f"metadata.annotations[{OPENSLO_GROUP_BY}]",
            "'pod-name' is not a label name",
            id="bad-label",
        ),
        pytest.param(
            _openslo(sli_annotation="pod,pod"),
            f"spec.indicator.metadata.annotations[{OPENSLO_GROUP_BY}]",
            "listed twice: pod",
            id="repeated",
        ),
        pytest.param(
            _openslo(
                slo_annotation="pod",
                sli="      thresholdMetric: {metricSource: {type: Prometheus, spec: {query: gpu_util}}}\n",
            ).replace("[{target: 0.99}]", "[{op: lt, value: 90, target: 0.99}]"),
            f"metadata.annotations[{OPENSLO_GROUP_BY}]",
            "only a good/bad/total ratio SLI can keep labels",
            id="threshold",
        ),
    ],
)
def test_openslo_annotation_refused(text: str, field: str, message: str) -> None:
    with pytest.raises(SpecError) as caught:
        load_slos(text)
    (issue,) = caught.value.issues
    assert (issue.where, issue.field) == ('SLO "availability"', field)
    assert message in issue.message


def _sloth(service_labels: str = "", slo_labels: str = "", sli: str = "") -> str:
    sli = sli or f"events: {{error_query: '{GOOD}', total_query: '{TOTAL}'}}"
    return f"""version: prometheus/v1
service: web
labels: {{team: ml{service_labels}}}
slos:
  - name: availability
    objective: 99.9
    labels: {{category: availability{slo_labels}}}
    sli: {{{sli}}}
    alerting: {{page_alert: {{disable: true}}, ticket_alert: {{disable: true}}}}
"""


@pytest.mark.parametrize(
    ("service_labels", "slo_labels", "expected"),
    [
        pytest.param("", "", (), id="none-by-default"),
        pytest.param("", f", {SLOTH_GROUP_BY}: 'namespace,pod'", ("namespace", "pod"), id="on-the-slo"),
        pytest.param(f", {SLOTH_GROUP_BY}: pod", "", ("pod",), id="on-the-service"),
        pytest.param(
            f", {SLOTH_GROUP_BY}: pod", f", {SLOTH_GROUP_BY}: namespace", ("namespace",), id="slo-wins"
        ),
    ],
)
def test_sloth_label(service_labels: str, slo_labels: str, expected: tuple[str, ...]) -> None:
    (slo,) = load_slos(_sloth(service_labels, slo_labels))
    assert isinstance(slo.sli, RatioSLI)
    assert slo.sli.per_label == expected
    assert slo.label_map == {"team": "ml", "category": "availability"}  # the declaration is not a rule label


@pytest.mark.parametrize(
    ("text", "where", "field", "message"),
    [
        pytest.param(
            _sloth(slo_labels=f", {SLOTH_GROUP_BY}: 'pod name'"),
            'slos[0] "availability"',
            f"labels.{SLOTH_GROUP_BY}",
            "'pod name' is not a label name",
            id="bad-label",
        ),
        pytest.param(
            _sloth(service_labels=f", {SLOTH_GROUP_BY}: '__name__'"),
            "",
            f"labels.{SLOTH_GROUP_BY}",
            "'__name__' is not a label name",
            id="bad-service-label",
        ),
        pytest.param(
            _sloth(slo_labels=f", {SLOTH_GROUP_BY}: pod", sli="raw: {error_ratio_query: 'x[{{.window}}]'}"),
            'slos[0] "availability"',
            f"labels.{SLOTH_GROUP_BY}",
            "only a good/bad/total ratio SLI can keep labels",
            id="raw",
        ),
        pytest.param(
            _sloth(
                service_labels=f", {SLOTH_GROUP_BY}: pod", sli="raw: {error_ratio_query: 'x[{{.window}}]'}"
            ),
            'slos[0] "availability"',
            "sli",
            f"labels.{SLOTH_GROUP_BY} of the service",
            id="raw-under-a-grouped-service",
        ),
    ],
)
def test_sloth_label_refused(text: str, where: str, field: str, message: str) -> None:
    with pytest.raises(SpecError) as caught:
        load_slos(text)
    (issue,) = caught.value.issues
    assert (issue.where, issue.field) == (where, field)
    assert message in issue.message


def test_kubernetes_resource_names_the_service_label_under_spec() -> None:
    text = f"""apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
metadata: {{name: web}}
spec:
  service: web
  labels: {{{SLOTH_GROUP_BY}: 'a b'}}
  slos:
    - name: availability
      objective: 99.9
      sli: {{events: {{errorQuery: '{GOOD}', totalQuery: '{TOTAL}'}}}}
      alerting: {{pageAlert: {{disable: true}}, ticketAlert: {{disable: true}}}}
"""
    with pytest.raises(SpecError) as caught:
        load_slos(text)
    (issue,) = caught.value.issues
    assert issue.field == f"spec.labels.{SLOTH_GROUP_BY}"


def test_the_keys_pass_the_upstream_validators() -> None:
    """Sloth checks label names as Prometheus does; OpenSLO annotation keys are an optional DNS subdomain
    prefix and a name of at most 63 alphanumerics, '-', '_' or '.' (the v1 specification's rules)."""
    assert re.fullmatch(r"[a-zA-Z_][a-zA-Z0-9_]*", SLOTH_GROUP_BY)
    prefix, name = OPENSLO_GROUP_BY.split("/")
    dns_label = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
    assert re.fullmatch(rf"{dns_label}(\.{dns_label})*", prefix)
    assert len(prefix) <= 253
    assert prefix != "openslo.com"  # reserved by the specification
    assert re.fullmatch(r"[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?", name)
    assert len(name) <= 63

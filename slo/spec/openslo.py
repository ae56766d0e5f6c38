"""Import OpenSLO v1 (multi-document YAML) into :class:`SLO` objects.

- ``SLO`` with inline ``indicator`` or ``indicatorRef`` to an ``SLI`` document; each objective becomes
  one SLO (named ``<name>`` for one objective, ``<name>-<index>`` for several).
- ``ratioMetric`` good/bad + total -> :class:`RatioSLI` (``counter`` kept), ``raw`` + ``rawType`` ->
  :class:`RawRatioSLI`; ``thresholdMetric`` + objective ``op``/``value`` -> :class:`ThresholdSLI`.
  Queries come from ``metricSource.spec.query``; the source must be Prometheus (its ``type``, or the
  ``DataSource`` its ``metricSourceRef`` names).
- ``timeWindow``: rolling shorthand or calendar ``1M``/``1Q`` with ``startTime`` and ``timeZone``.
- ``budgetingMethod`` Occurrences, or Timeslices with ``timeSliceTarget`` and ``timeSliceWindow``.
- The annotation ``servescale.dev/group-by`` (SLO or SLI metadata) sets the labels a ratio SLI keeps.
- ``alertPolicies`` (inline or ``alertPolicyRef``), each with one ``burnrate`` condition (inline or
  ``conditionRef``), become explicit burn-rate tiers: severity page|ticket, factor = ``threshold``,
  long window = ``lookbackWindow``, short window = long/12, ``alertAfter`` = the rule's ``for``.
  Without alert policies the SLO gets the Workbook tiers of its period.
Unsupported constructs (composite objectives, RatioTimeslices, non-Prometheus sources, other
condition kinds) are errors naming the document and field, never dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..burn_rate import BurnRateWindow, Severity
from ..window import RollingWindow, Window
from .convert import at_field, check_unique, labels_at, objective_at, validate_model
from .errors import FieldError, SpecError, SpecIssue
from .group_by import OPENSLO_GROUP_BY, apply_group_by, parse_group_by
from .model import SLO, Alerting, AlertRoute, Occurrences, SpecFormat, Timeslices, check_name
from .openslo_schema import (
    KINDS,
    AlertConditionSpec,
    AlertPolicySpec,
    DataSourceSpec,
    InlineObject,
    Metadata,
    MetricHolder,
    ObjectiveModel,
    OpenSLOObject,
    SLISpec,
    SLOSpec,
)
from .openslo_time import shorthand_seconds, slice_seconds, time_window
from .sli import SLI, Comparison, RatioSLI, RawRatioSLI, RawRatioType, ThresholdSLI

__all__ = ["API_VERSION", "convert_openslo", "is_openslo"]

API_VERSION = "openslo/v1"
Index = dict[str, dict[str, OpenSLOObject]]
# Nothing refers to a Service by name here (``spec.service`` is kept as text), so two Service objects
# of one name (e.g. one per environment, told apart by labels) are not ambiguous.
_UNREFERENCED = frozenset({"Service"})


def is_openslo(document: Any) -> bool:
    return isinstance(document, Mapping) and str(document.get("apiVersion", "")).startswith("openslo")


def _index(documents: Sequence[Any]) -> tuple[Index, list[SpecIssue]]:
    index: Index = {kind: {} for kind in KINDS}
    issues: list[SpecIssue] = []
    for number, document in enumerate(documents):
        where = f"document[{number}]"
        try:
            obj = validate_model(OpenSLOObject, document, where=where)
        except SpecError as exc:
            issues.extend(exc.issues)
            continue
        where = f'{where} {obj.kind} "{obj.metadata.name}"'
        if obj.api_version != API_VERSION:
            hint = f"only {API_VERSION} is supported, got {obj.api_version!r}"
            if obj.api_version == "openslo/v1alpha":
                hint += (
                    " (in v1: timeWindows count/unit -> timeWindow duration, objectives[].ratioMetrics"
                    " -> spec.indicator.spec.ratioMetric with metricSource type and spec.query)"
                )
            issues.append(SpecIssue(where, "apiVersion", hint))
        elif obj.kind not in index:
            issues.append(SpecIssue(where, "kind", f"must be one of {', '.join(KINDS)}"))
        elif obj.metadata.name in index[obj.kind]:
            if obj.kind not in _UNREFERENCED:
                issues.append(SpecIssue(where, "metadata.name", f"duplicate {obj.kind} name"))
        else:
            index[obj.kind][obj.metadata.name] = obj
    return index, issues


def _labels(metadata: Metadata) -> dict[str, str]:
    """OpenSLO label values may be lists; they are joined with commas."""
    return {
        key: value if isinstance(value, str) else ",".join(value) for key, value in metadata.labels.items()
    }


def _query(holder: MetricHolder, field: str, index: Index) -> str:
    source = holder.metric_source
    kind = source.type
    if source.metric_source_ref is not None:
        # The DataSource is only read for its type: with ``type`` given, it may live in another file.
        ref = index["DataSource"].get(source.metric_source_ref)
        if ref is None and kind is None:
            raise FieldError(
                f"{field}.metricSourceRef",
                f'no DataSource named "{source.metric_source_ref}" (or give the metric source a type)',
            )
        if ref is not None:
            ds = validate_model(
                DataSourceSpec, ref.spec, where=f'DataSource "{ref.metadata.name}"', prefix="spec"
            )
            kind = kind or ds.type
    if kind is None or kind.lower() != "prometheus":
        raise FieldError(f"{field}.type", f"only Prometheus metric sources are supported, got {kind!r}")
    query = source.spec.get("query")
    if not isinstance(query, str) or not query.strip():
        raise FieldError(f"{field}.spec.query", "required (a PromQL expression)")
    return query


def _sli(spec: SLISpec, field: str, objective: ObjectiveModel, index: Index) -> SLI:
    if (spec.ratio_metric is None) == (spec.threshold_metric is None):
        raise FieldError(field, "give exactly one of ratioMetric or thresholdMetric")
    if spec.threshold_metric is not None:
        if objective.op is None or objective.value is None:
            raise FieldError(field, "a thresholdMetric needs op and value in its objective")
        query = _query(spec.threshold_metric, f"{field}.thresholdMetric.metricSource", index)
        return ThresholdSLI(Comparison(objective.op), objective.value, query=query)
    ratio = spec.ratio_metric
    assert ratio is not None
    base = f"{field}.ratioMetric"
    if objective.value is not None or objective.op in {"lt", "lte"}:
        raise FieldError(base, "objectives of a ratioMetric take no value and no lt/lte op")
    if ratio.raw is not None:
        if ratio.good or ratio.bad or ratio.total or ratio.raw_type is None:
            raise FieldError(base, "raw needs rawType and excludes good, bad and total")
        return RawRatioSLI(_query(ratio.raw, f"{base}.raw.metricSource", index), RawRatioType(ratio.raw_type))
    if ratio.total is None or (ratio.good is None) == (ratio.bad is None) or ratio.raw_type is not None:
        raise FieldError(base, "give total and exactly one of good or bad (or raw with rawType)")
    total = _query(ratio.total, f"{base}.total.metricSource", index)
    good = _query(ratio.good, f"{base}.good.metricSource", index) if ratio.good else None
    bad = _query(ratio.bad, f"{base}.bad.metricSource", index) if ratio.bad else None
    return at_field(base, lambda: RatioSLI(total, good=good, bad=bad, counter=ratio.counter))


def _sli_spec(spec: SLOSpec, index: Index, *, where: str) -> tuple[SLISpec, str, Metadata, str]:
    """The SLI's spec and metadata, each with the field naming it in messages."""
    if (spec.indicator is None) == (spec.indicator_ref is None):
        raise FieldError("spec", "give exactly one of indicator or indicatorRef")
    if spec.indicator is not None:
        sli = validate_model(SLISpec, spec.indicator.spec, where=where, prefix="spec.indicator.spec")
        return sli, "spec.indicator.spec", spec.indicator.metadata, "spec.indicator.metadata"
    ref = index["SLI"].get(spec.indicator_ref or "")
    if ref is None:
        raise FieldError("spec.indicatorRef", f'no SLI named "{spec.indicator_ref}"')
    sli_where = f'SLI "{ref.metadata.name}"'
    sli = validate_model(SLISpec, ref.spec, where=sli_where, prefix="spec")
    return sli, f"{sli_where} spec", ref.metadata, f"{sli_where} metadata"


def _group_by(slo: Metadata, sli: Metadata, sli_field: str) -> tuple[tuple[str, ...], str]:
    """The labels the SLO keeps (the SLO's annotation, else its SLI's) and the field declaring them."""
    for metadata, field in ((slo, "metadata"), (sli, sli_field)):
        if OPENSLO_GROUP_BY in metadata.annotations:
            field = f"{field}.annotations[{OPENSLO_GROUP_BY}]"
            return parse_group_by(field, metadata.annotations[OPENSLO_GROUP_BY]), field
    return (), ""


def _resolve(item: Mapping[str, Any], ref_key: str, kind: str, index: Index, field: str) -> InlineObject:
    if ref_key in item:
        ref = index[kind].get(str(item[ref_key]))
        if ref is None:
            raise FieldError(f"{field}.{ref_key}", f'no {kind} named "{item[ref_key]}"')
        return InlineObject(kind=kind, metadata=ref.metadata, spec=ref.spec)
    inline = validate_model(InlineObject, item, where="", prefix=field)
    if inline.kind not in {None, kind}:
        raise FieldError(f"{field}.kind", f"must be {kind}")
    return inline


def _tier(condition: InlineObject, field: str, period: int) -> BurnRateWindow:
    spec = validate_model(AlertConditionSpec, condition.spec, where="", prefix=f"{field}.spec")
    body = spec.condition
    if spec.severity.lower() not in {"page", "ticket"}:
        raise FieldError(f"{field}.spec.severity", f"must be page or ticket, got {spec.severity!r}")
    if body.op not in {"gt", "gte"}:
        raise FieldError(
            f"{field}.spec.condition.op", "a burn-rate alert fires above its threshold: use gt or gte"
        )
    long_window = shorthand_seconds(f"{field}.spec.condition.lookbackWindow", body.lookback_window)
    alert_after = shorthand_seconds(
        f"{field}.spec.condition.alertAfter", body.alert_after or "0m", allow_zero=True
    )
    severity = Severity(spec.severity.lower())
    return at_field(
        f"{field}.spec.condition",
        lambda: BurnRateWindow.from_factor(
            severity, body.threshold, long_window=long_window, period=period, alert_after=alert_after
        ),
    )


def _alerting(spec: SLOSpec, index: Index, window: Window) -> Alerting:
    if not spec.alert_policies:
        return Alerting()
    tiers: list[BurnRateWindow] = []
    targets: list[str] = []
    no_data = False
    for number, item in enumerate(spec.alert_policies):
        field = f"spec.alertPolicies[{number}]"
        policy = _resolve(item, "alertPolicyRef", "AlertPolicy", index, field)
        body = validate_model(AlertPolicySpec, policy.spec, where="", prefix=f"{field}.spec")
        no_data = no_data or body.alert_when_no_data
        condition = _resolve(
            body.conditions[0], "conditionRef", "AlertCondition", index, f"{field}.spec.conditions[0]"
        )
        if body.alert_when_breaching:
            tiers.append(_tier(condition, f"{field}.spec.conditions[0]", window.nominal_seconds))
        for slot, target in enumerate(body.notification_targets):
            ref = target.get("targetRef")
            if ref is not None and str(ref) not in index["AlertNotificationTarget"]:
                targets.append(str(ref))  # only its name is kept, so it may be defined in another file
                continue
            resolved = _resolve(
                target,
                "targetRef",
                "AlertNotificationTarget",
                index,
                f"{field}.spec.notificationTargets[{slot}]",
            )
            targets.append(resolved.metadata.name)
    severities = {tier.severity for tier in tiers}
    return Alerting(
        page=AlertRoute(enabled=Severity.PAGE in severities),
        ticket=AlertRoute(enabled=Severity.TICKET in severities),
        windows=tuple(tiers),
        alert_when_no_data=no_data,
        notification_targets=tuple(dict.fromkeys(targets)),
    )


def _objective_slo(
    obj: OpenSLOObject, spec: SLOSpec, number: int, *, index: Index, period: RollingWindow
) -> SLO:
    field = f"spec.objectives[{number}]"
    objective = spec.objectives[number]
    if objective.indicator is not None or objective.indicator_ref is not None or objective.composite_weight:
        raise FieldError(field, "composite SLOs are not supported")
    if (objective.target is None) == (objective.target_percent is None):
        raise FieldError(field, "give exactly one of target or targetPercent")
    sli_spec, sli_field, sli_metadata, sli_metadata_field = _sli_spec(
        spec, index, where=f'SLO "{obj.metadata.name}"'
    )
    group_by, group_by_field = _group_by(obj.metadata, sli_metadata, sli_metadata_field)
    if sli_spec.threshold_metric is not None and len(spec.objectives) > 1:
        raise FieldError("spec.objectives", "a thresholdMetric SLO has exactly one objective")
    window = time_window(spec.time_window, field="spec.timeWindow", default=period)
    budgeting: Occurrences | Timeslices = Occurrences()
    if spec.budgeting_method == "RatioTimeslices":
        raise FieldError(
            "spec.budgetingMethod", "RatioTimeslices is not supported; use Occurrences or Timeslices"
        )
    if spec.budgeting_method == "Timeslices":
        if objective.time_slice_target is None or objective.time_slice_window is None:
            raise FieldError(field, "Timeslices needs timeSliceTarget and timeSliceWindow")
        seconds = slice_seconds(f"{field}.timeSliceWindow", objective.time_slice_window)
        budgeting = Timeslices(seconds, objective.time_slice_target)
    name = obj.metadata.name if len(spec.objectives) == 1 else f"{obj.metadata.name}-{number}"
    return SLO(
        name=at_field("metadata.name", lambda: check_name(name)),
        service=at_field("spec.service", lambda: check_name(spec.service, what="service name")),
        sli=apply_group_by(_sli(sli_spec, sli_field, objective, index), group_by, field=group_by_field),
        objective=(
            objective_at(f"{field}.targetPercent", percent=objective.target_percent)
            if objective.target_percent is not None
            else objective_at(f"{field}.target", ratio=objective.target)
        ),
        window=window,
        budgeting=budgeting,
        alerting=_alerting(spec, index, window),
        description=spec.description,
        labels=labels_at("metadata.labels", _labels(obj.metadata)),
        source=SpecFormat.OPENSLO,
    )


def convert_openslo(documents: Sequence[Any], *, period: RollingWindow) -> tuple[SLO, ...]:
    """Every SLO in a set of OpenSLO v1 documents; ``period`` is used when an SLO has no ``timeWindow``."""
    index, issues = _index(documents)
    built: list[tuple[str, SLO]] = []
    for obj in index["SLO"].values():
        where = f'SLO "{obj.metadata.name}"'
        try:
            spec = validate_model(SLOSpec, obj.spec, where=where, prefix="spec")
            for number in range(len(spec.objectives)):
                built.append((where, _objective_slo(obj, spec, number, index=index, period=period)))
        except SpecError as exc:
            issues.extend(SpecIssue(issue.where or where, issue.field, issue.message) for issue in exc.issues)
        except FieldError as exc:
            issues.append(SpecIssue(where, exc.field, exc.message))
    if not index["SLO"] and not issues:
        issues.append(SpecIssue("", "", "no SLO document found"))
    issues.extend(check_unique(built))
    if issues:
        raise SpecError(issues)
    return tuple(slo for _, slo in built)

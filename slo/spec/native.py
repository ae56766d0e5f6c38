"""Convert ServeScale's own SLO format (see :mod:`slo.spec.native_schema`) into :class:`SLO` objects.

Each SLO is validated on its own so every error names it: ``slos[2] "llama-latency": sli.thresholdMs:
must be > 0``. All problems in a file are reported together in one :class:`SpecError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from ..burn_rate import BurnRateWindow, Severity
from ..window import CalendarUnit, CalendarWindow, RollingWindow, Window, parse_duration_seconds
from .convert import at_field, check_unique, labels_at, objective_at, policy_at, validate_model
from .errors import FieldError, SpecError, SpecIssue
from .model import SLO, Alerting, AlertRoute, Occurrences, SpecFormat, Timeslices, check_name
from .native_schema import (
    SLI_MODELS,
    AlertingModel,
    AvailabilityModel,
    BudgetingModel,
    BurnWindowModel,
    FileModel,
    LatencyModel,
    RatioModel,
    SLOModel,
    ThresholdModel,
    WindowModel,
)
from .sli import (
    DEFAULT_LATENCY_METRIC,
    ISTIO_DEFAULT_BUCKETS_MS,
    SLI,
    AvailabilitySLI,
    HistogramKind,
    IstioTarget,
    LatencySLI,
    RatioSLI,
    ThresholdSLI,
)

__all__ = ["convert_native"]


def _window(model: WindowModel) -> Window:
    if model.rolling is not None:
        rolling = model.rolling
        return at_field("window.rolling", lambda: RollingWindow.parse(rolling))
    assert model.calendar is not None, "checked by WindowModel"
    unit = CalendarUnit(model.calendar)
    return at_field("window.timeZone", lambda: CalendarWindow(unit, model.time_zone or "UTC"))


def _budgeting(model: BudgetingModel | None) -> Occurrences | Timeslices:
    if model is None or model.method == "occurrences":
        return Occurrences()
    text, target = model.slice_window, model.slice_target
    assert text is not None, "checked by BudgetingModel"
    assert target is not None, "checked by BudgetingModel"
    seconds = at_field("budgeting.sliceWindow", lambda: parse_duration_seconds(text))
    return at_field("budgeting", lambda: Timeslices(seconds, target))


def _seconds(field: str, text: str | None) -> int | None:
    return None if text is None else at_field(field, lambda: parse_duration_seconds(text))


def _tier(model: BurnWindowModel, field: str, period: int) -> BurnRateWindow:
    long_window = at_field(f"{field}.longWindow", lambda: parse_duration_seconds(model.long_window))
    short_window = _seconds(f"{field}.shortWindow", model.short_window)
    alert_after = _seconds(f"{field}.for", model.for_) or 0
    severity = Severity(model.severity)
    if model.burn_rate is not None:
        build = partial(BurnRateWindow.from_factor, severity, model.burn_rate)
    else:
        assert model.budget_consumed_percent is not None, "checked by BurnWindowModel"
        build = partial(BurnRateWindow.from_budget, severity, model.budget_consumed_percent / 100)
    return at_field(
        field,
        lambda: build(
            long_window=long_window, period=period, short_window=short_window, alert_after=alert_after
        ),
    )


def _windows(model: AlertingModel, period: int) -> tuple[BurnRateWindow, ...] | None:
    if model.windows is None:
        return None
    tiers = tuple(_tier(item, f"alerting.windows[{i}]", period) for i, item in enumerate(model.windows))
    seen: set[tuple[str, int, int]] = set()
    for index, tier in enumerate(tiers):
        key = (str(tier.severity), tier.long_window, tier.short_window)
        if key in seen:
            raise FieldError(f"alerting.windows[{index}]", f"duplicate tier {tier.tier_id}")
        seen.add(key)
    return tiers


def _alerting(model: AlertingModel, period: int) -> Alerting:
    def route(name: str) -> AlertRoute:
        item = model.page if name == "page" else model.ticket
        return AlertRoute(
            enabled=item.enabled,
            runbook=item.runbook,
            labels=labels_at(f"alerting.{name}.labels", item.labels),
            annotations=tuple(sorted(item.annotations.items())),
        )

    return Alerting(
        name=model.name,
        page=route("page"),
        ticket=route("ticket"),
        min_events=model.min_events,
        labels=labels_at("alerting.labels", model.labels),
        annotations=tuple(sorted(model.annotations.items())),
        windows=_windows(model, period),
    )


def _istio(model: AvailabilityModel | LatencyModel) -> IstioTarget:
    return at_field(
        "sli",
        lambda: IstioTarget(
            model.namespace, workload=model.workload, service=model.service, reporter=model.reporter
        ),
    )


def _latency(model: LatencyModel) -> LatencySLI:
    buckets = model.buckets
    if (
        buckets is None
        and model.histogram == HistogramKind.CLASSIC
        and model.metric == DEFAULT_LATENCY_METRIC
    ):
        buckets = list(ISTIO_DEFAULT_BUCKETS_MS)
    if buckets is not None and model.threshold_ms not in buckets:
        if model.histogram == HistogramKind.NATIVE:
            raise FieldError("sli.buckets", "buckets apply to classic histograms only")
        choices = ", ".join(str(value) for value in buckets)
        raise FieldError(
            "sli.thresholdMs",
            f"{model.threshold_ms} is not a bucket boundary of the classic histogram ({choices}); "
            "pick one, list the histogram's buckets, or use a native histogram",
        )
    return at_field(
        "sli",
        lambda: LatencySLI(_istio(model), model.threshold_ms, histogram=model.histogram, metric=model.metric),
    )


def _sli(raw: Any, *, where: str) -> SLI:
    if not isinstance(raw, Mapping):
        raise FieldError("sli", "must be a mapping")
    kind = raw.get("kind")
    if kind not in SLI_MODELS:
        raise FieldError("sli.kind", f"must be one of {', '.join(SLI_MODELS)}")
    model = validate_model(SLI_MODELS[kind], raw, where=where, prefix="sli")
    if isinstance(model, AvailabilityModel):
        policy = tuple(sorted(model.code_policy.items()))
        return at_field("sli.codePolicy", lambda: AvailabilitySLI(_istio(model), model.bad_codes, policy))
    if isinstance(model, LatencyModel):
        return _latency(model)
    if isinstance(model, ThresholdModel):
        matchers = tuple(sorted(model.matchers.items()))
        return at_field(
            "sli",
            lambda: ThresholdSLI(
                model.comparison, model.threshold, metric=model.metric, matchers=matchers, query=model.query
            ),
        )
    assert isinstance(model, RatioModel)
    return at_field(
        "sli", lambda: RatioSLI(model.total, good=model.good, bad=model.bad, per_label=tuple(model.per_label))
    )


def _sli_issues(raw: Any, *, where: str) -> list[SpecIssue]:
    """Problems of the SLI alone, reported together with those of the rest of the SLO."""
    if raw is None:
        return []
    try:
        _sli(raw, where=where)
    except SpecError as exc:
        return list(exc.issues)
    except FieldError as exc:
        return [SpecIssue(where, exc.field, exc.message)]
    return []


def _slo(raw: Any, *, where: str) -> SLO:
    if not isinstance(raw, Mapping):
        raise FieldError("", "each SLO must be a mapping")
    try:
        model = validate_model(SLOModel, raw, where=where)
    except SpecError as exc:
        raise SpecError([*exc.issues, *_sli_issues(raw.get("sli"), where=where)]) from exc
    at_field("name", lambda: check_name(model.name))
    at_field("service", lambda: check_name(model.service))
    sli = _sli(model.sli, where=where)
    window = _window(model.window)
    steps = [(step.burned_fraction, step.action) for step in model.budget_policy]
    return at_field(
        "",
        lambda: SLO(
            name=model.name,
            service=model.service,
            sli=sli,
            objective=objective_at("objective", percent=model.objective),
            window=window,
            budgeting=_budgeting(model.budgeting),
            alerting=_alerting(model.alerting, window.nominal_seconds),
            budget_policy=policy_at("budgetPolicy", steps),
            description=model.description,
            labels=labels_at("labels", model.labels),
            source=SpecFormat.SERVESCALE,
        ),
    )


def _where(index: int, raw: Any) -> str:
    name = raw.get("name") if isinstance(raw, Mapping) else None
    return f'slos[{index}] "{name}"' if isinstance(name, str) else f"slos[{index}]"


def convert_native(document: Any) -> tuple[SLO, ...]:
    """Every SLO of one document of our format; raises :class:`SpecError` listing all problems."""
    file_model = validate_model(FileModel, document, where="")
    issues: list[SpecIssue] = []
    built: list[tuple[str, SLO]] = []
    for index, raw in enumerate(file_model.slos):
        where = _where(index, raw)
        try:
            built.append((where, _slo(raw, where=where)))
        except SpecError as exc:
            issues.extend(exc.issues)
        except FieldError as exc:
            issues.append(SpecIssue(where, exc.field, exc.message))
    issues.extend(check_unique(built))
    if issues:
        raise SpecError(issues)
    return tuple(slo for _, slo in built)

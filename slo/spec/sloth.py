"""Import Sloth specs (``version: prometheus/v1`` files and ``sloth.slok.dev/v1`` ``PrometheusServiceLevel``).

Mapping: ``events.error_query``/``total_query`` -> :class:`RatioSLI` with ``bad`` (``{{.window}}``
placeholders kept), ``raw.error_ratio_query`` -> :class:`RawRatioSLI` (failure ratio), spec and SLO
``labels`` merged (SLO wins), ``alerting`` -> page/ticket routes (``disable`` -> not enabled).
Sloth specs carry no period; the caller passes one (Sloth's default is 30 days). Field names are
accepted in both the file's snake_case and the CRD's camelCase. Label and annotation values written
as YAML numbers or booleans (``tier: 2``, ``generated: true``) are read as their text, as Sloth does.
The label ``servescale_group_by`` declares the labels an events SLI keeps (see ``group_by``). SLI
plugins and SLO plugins have no equivalent here and are reported as errors, never dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field

from ..window import RollingWindow
from .convert import at_field, check_unique, labels_at, objective_at, validate_model
from .errors import FieldError, SpecError, SpecIssue
from .group_by import SLOTH_GROUP_BY, apply_group_by, parse_group_by
from .model import SLO, Alerting, AlertRoute, SpecFormat, check_name
from .sli import SLI, RatioSLI, RawRatioSLI, RawRatioType

__all__ = ["convert_sloth", "is_sloth"]

SLOTH_VERSION = "prometheus/v1"
SLOTH_API_VERSION = "sloth.slok.dev/v1"


def _scalar_text(value: Any) -> Any:
    """YAML scalars as the text written: ``true`` -> ``"true"``, ``2`` -> ``"2"``, ``0.2`` -> ``"0.2"``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    return value


Text = Annotated[str, BeforeValidator(_scalar_text)]
TextMap = dict[str, Text]


def _either(snake: str, camel: str) -> Any:
    return Field(default=None, validation_alias=AliasChoices(snake, camel))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Events(_Model):
    error_query: str | None = _either("error_query", "errorQuery")
    total_query: str | None = _either("total_query", "totalQuery")


class _Raw(_Model):
    error_ratio_query: str | None = _either("error_ratio_query", "errorRatioQuery")


class _SLI(_Model):
    events: _Events | None = None
    raw: _Raw | None = None
    plugin: dict[str, Any] | None = None


class _AlertRoute(_Model):
    disable: bool = False
    labels: TextMap = Field(default_factory=dict)
    annotations: TextMap = Field(default_factory=dict)


class _Alerting(_Model):
    name: str | None = None
    labels: TextMap = Field(default_factory=dict)
    annotations: TextMap = Field(default_factory=dict)
    page_alert: _AlertRoute | None = _either("page_alert", "pageAlert")
    ticket_alert: _AlertRoute | None = _either("ticket_alert", "ticketAlert")


class _SLO(_Model):
    name: str = Field(min_length=1)
    objective: Decimal
    description: str | None = None
    labels: TextMap = Field(default_factory=dict)
    plugins: dict[str, Any] | None = None
    sli: _SLI
    alerting: _Alerting = Field(default_factory=_Alerting)


class _Spec(_Model):
    version: Literal["prometheus/v1"] | None = None
    service: str = Field(min_length=1)
    labels: TextMap = Field(default_factory=dict)
    slo_plugins: dict[str, Any] | None = _either("slo_plugins", "sloPlugins")
    slos: list[Any] = Field(min_length=1)


def _ids(plugins: Mapping[str, Any]) -> str:
    """`` (id, id)`` of a plugin or a plugin chain, for messages; empty when there is none."""
    chain = plugins.get("chain")
    entries: list[Any] = chain if isinstance(chain, list) else [plugins]
    ids = [str(entry["id"]) for entry in entries if isinstance(entry, Mapping) and "id" in entry]
    return f" ({', '.join(dict.fromkeys(ids))})" if ids else ""


def is_sloth(document: Any) -> bool:
    if not isinstance(document, Mapping):
        return False
    return document.get("version") == SLOTH_VERSION or str(document.get("apiVersion", "")).startswith(
        "sloth.slok.dev/"
    )


def _sli(model: _SLI) -> SLI:
    given = [name for name in ("events", "raw", "plugin") if getattr(model, name) is not None]
    if len(given) != 1:
        raise FieldError("sli", "give exactly one of events or raw")
    if model.plugin is not None:
        raise FieldError(
            "sli.plugin",
            f"SLI plugins are not supported{_ids(model.plugin)}; write the queries as events or raw",
        )
    if model.events is not None:
        bad, total = model.events.error_query, model.events.total_query
        if not bad:
            raise FieldError("sli.events.error_query", "required")
        if not total:
            raise FieldError("sli.events.total_query", "required")
        return at_field("sli.events", lambda: RatioSLI(total, bad=bad))
    assert model.raw is not None
    query = model.raw.error_ratio_query
    if not query:
        raise FieldError("sli.raw.error_ratio_query", "required")
    return RawRatioSLI(query, RawRatioType.FAILURE)


def _route(model: _AlertRoute | None, field: str) -> AlertRoute:
    model = model or _AlertRoute()
    return AlertRoute(
        enabled=not model.disable,
        labels=labels_at(f"{field}.labels", model.labels),
        annotations=tuple(sorted(model.annotations.items())),
    )


def _slo(
    raw: Any,
    spec: _Spec,
    *,
    where: str,
    period: RollingWindow,
    group_by: tuple[str, ...] = (),
    prefix: str = "",
) -> SLO:
    """One SLO; ``group_by`` is the service's grouping (at ``prefix``), which the SLO's own label replaces."""
    if not isinstance(raw, Mapping):
        raise FieldError("", "each SLO must be a mapping")
    model = validate_model(_SLO, raw, where=where)
    at_field("name", lambda: check_name(model.name))
    if model.plugins:
        raise FieldError("plugins", f"SLO plugins are not supported{_ids(model.plugins)}")
    alerting = Alerting(
        name=model.alerting.name,
        page=_route(model.alerting.page_alert, "alerting.page_alert"),
        ticket=_route(model.alerting.ticket_alert, "alerting.ticket_alert"),
        labels=labels_at("alerting.labels", model.alerting.labels),
        annotations=tuple(sorted(model.alerting.annotations.items())),
    )
    if alerting.enabled and not alerting.name:
        raise FieldError("alerting.name", "required unless both page and ticket alerts are disabled")
    labels = {**spec.labels, **model.labels}
    labels.pop(SLOTH_GROUP_BY, None)
    sli = _sli(model.sli)
    if SLOTH_GROUP_BY in model.labels:
        field = f"labels.{SLOTH_GROUP_BY}"
        sli = apply_group_by(sli, parse_group_by(field, model.labels[SLOTH_GROUP_BY]), field=field)
    else:
        origin = f"{prefix}labels.{SLOTH_GROUP_BY} of the service"
        sli = apply_group_by(sli, group_by, field="sli", origin=origin)
    return SLO(
        name=model.name,
        service=spec.service,
        sli=sli,
        objective=objective_at("objective", percent=model.objective),
        window=period,
        alerting=alerting,
        description=model.description,
        labels=labels_at("labels", labels),
        source=SpecFormat.SLOTH,
    )


def convert_sloth(document: Any, *, period: RollingWindow) -> tuple[SLO, ...]:
    """Every SLO of one Sloth document, all with the rolling ``period``; raises :class:`SpecError`."""
    prefix = ""
    body = document
    if isinstance(document, Mapping) and "apiVersion" in document:
        if document.get("kind") == "AlertWindows":
            raise SpecError(
                [
                    SpecIssue(
                        "",
                        "kind",
                        "AlertWindows is Sloth's catalogue of alert windows, not an SLO spec; give the"
                        " tiers as alerting.windows of an SLO in the ServeScale format",
                    )
                ]
            )
        if (
            document.get("apiVersion") != SLOTH_API_VERSION
            or document.get("kind") != "PrometheusServiceLevel"
        ):
            raise SpecError([SpecIssue("", "kind", f"expected {SLOTH_API_VERSION} PrometheusServiceLevel")])
        body, prefix = document.get("spec"), "spec."
    spec = validate_model(_Spec, body, where="", prefix=prefix.rstrip("."))
    if spec.slo_plugins:
        key = "sloPlugins" if isinstance(body, Mapping) and "sloPlugins" in body else "slo_plugins"
        raise SpecError(
            [SpecIssue("", f"{prefix}{key}", f"SLO plugins are not supported{_ids(spec.slo_plugins)}")]
        )
    issues: list[SpecIssue] = []
    built: list[tuple[str, SLO]] = []
    try:
        at_field("service", lambda: check_name(spec.service, what="service name"))
    except FieldError as exc:
        raise SpecError([SpecIssue("", f"{prefix}service", exc.message)]) from exc
    group_by: tuple[str, ...] = ()
    if SLOTH_GROUP_BY in spec.labels:
        field = f"{prefix}labels.{SLOTH_GROUP_BY}"
        try:
            group_by = parse_group_by(field, spec.labels[SLOTH_GROUP_BY])
        except FieldError as exc:
            raise SpecError([SpecIssue("", exc.field, exc.message)]) from exc
    for index, raw in enumerate(spec.slos):
        name = raw.get("name") if isinstance(raw, Mapping) else None
        where = f"{prefix}slos[{index}]" + (f' "{name}"' if isinstance(name, str) else "")
        try:
            slo = _slo(raw, spec, where=where, period=period, group_by=group_by, prefix=prefix)
            built.append((where, slo))
        except SpecError as exc:
            issues.extend(exc.issues)
        except FieldError as exc:
            issues.append(SpecIssue(where, exc.field, exc.message))
    issues.extend(check_unique(built))
    if issues:
        raise SpecError(issues)
    return tuple(slo for _, slo in built)

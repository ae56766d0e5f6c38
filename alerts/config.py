"""The ``alerts render --config`` file: links, SLO rule options, autoscaling alerts, PrometheusRule
metadata and Alertmanager routing, validated at the edge.

Keys are camelCase and unknown keys are errors; :func:`load_alerts_config` raises
:class:`AlertsConfigError` with one line per problem, each naming the field
(``autoscaling.gpu.thresholdPercent: Input should be less than or equal to 100``). The models turn
into the frozen settings the rule builders take. Every section is optional.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic.alias_generators import to_camel

from metrics_adapter.promql import Duration

from .alertmanager.routes import AlertmanagerSettings
from .autoscaling.rules import (
    AUTOSCALING_ALERTS,
    DEPLOYMENT_POD_PATTERN,
    AutoscalingAlertSettings,
    GpuMetric,
    QueueSource,
)
from .rules.links import AlertLinks, check_template
from .slo.rules import SloRuleSettings

__all__ = ["AlertsConfig", "AlertsConfigError", "load_alerts_config", "parse_alerts_config"]


class AlertsConfigError(ValueError):
    """An invalid alerts configuration; ``problems`` has one ``field: message`` line each."""

    def __init__(self, problems: list[str], *, source: str = "<config>") -> None:
        self.problems = tuple(problems)
        self.source = source
        super().__init__("\n".join(f"{source}: {problem}" for problem in self.problems))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, alias_generator=to_camel, populate_by_name=True)


def _duration(value: str) -> str:
    Duration.parse(value)
    return value


def _label_name(value: str) -> str:
    if _LABEL.fullmatch(value) is None or value.startswith("__"):
        raise ValueError(f"{value!r} is not a Prometheus label name")
    return value


def _metric_name(value: str) -> str:
    if _METRIC.fullmatch(value) is None:
        raise ValueError(f"{value!r} is not a Prometheus metric name")
    return value


_LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
_METRIC = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LabelName = Annotated[str, AfterValidator(_label_name)]
MetricName = Annotated[str, AfterValidator(_metric_name)]
LabelValues = dict[LabelName, Annotated[str, Field(min_length=1)]]


class LinksConfig(_Model):
    """URL templates with ``{alert}``, ``{slo}`` and ``{service}`` fields."""

    runbook_url: str | None = None
    dashboard_url: str | None = None

    @field_validator("runbook_url", "dashboard_url")
    @classmethod
    def _template(cls, value: str | None) -> str | None:
        return value if value is None else check_template(value, what="template")

    def to_links(self) -> AlertLinks:
        return AlertLinks(self.runbook_url, self.dashboard_url)


class SloConfig(_Model):
    no_data_window: str = "10m"
    no_data_for: str = "5m"
    no_data_severity: str = Field(default="ticket", pattern="^(page|ticket)$")
    min_events: int | None = Field(default=None, ge=1)
    labels: LabelValues = Field(default_factory=dict)
    interval: str | None = None

    _durations = field_validator("no_data_window", "no_data_for", "interval")(
        lambda value: value if value is None else _duration(value)
    )


class GpuConfig(_Model):
    metric: GpuMetric = GpuMetric.GPU_UTIL
    threshold_percent: float = Field(default=90.0, gt=0, le=100)
    for_: str = Field(default="10m", alias="for")
    namespace_label: LabelName = "exported_namespace"
    pod_label: LabelName = "exported_pod"
    workload_pattern: str | None = DEPLOYMENT_POD_PATTERN

    _durations = field_validator("for_")(_duration)


class QueueConfig(_Model):
    metric: MetricName
    namespace_label: LabelName = "namespace"


def _default_queues() -> list[QueueConfig]:
    return [
        QueueConfig(metric="vllm:num_requests_waiting"),
        QueueConfig(metric="nv_inference_pending_request_count"),
    ]


class AutoscalingConfig(_Model):
    enabled: bool = True
    hpa_selector: LabelValues = Field(default_factory=dict)
    at_max_for: str = "15m"
    mismatch_for: str = "15m"
    gpu: GpuConfig = Field(default_factory=GpuConfig)
    queues: list[QueueConfig] = Field(default_factory=_default_queues)
    queue_deriv_window: str = "10m"
    queue_for: str = "10m"
    adapter_window: str = "5m"
    left_out_for: str = "10m"
    adapter_errors_for: str = "5m"
    severities: dict[str, str] = Field(default_factory=dict)
    labels: LabelValues = Field(default_factory=dict)

    _durations = field_validator(
        "at_max_for",
        "mismatch_for",
        "queue_deriv_window",
        "queue_for",
        "adapter_window",
        "left_out_for",
        "adapter_errors_for",
    )(_duration)

    @field_validator("severities")
    @classmethod
    def _severity_values(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(AUTOSCALING_ALERTS))
        if unknown:
            raise ValueError(f"unknown alert(s) {', '.join(unknown)}; known: {', '.join(AUTOSCALING_ALERTS)}")
        bad = sorted(name for name, severity in value.items() if severity not in ("page", "ticket"))
        if bad:
            raise ValueError(f"severity must be page or ticket for: {', '.join(bad)}")
        return value


class PrometheusRuleConfig(_Model):
    namespace: str | None = Field(default=None, pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    labels: dict[str, str] = Field(default_factory=dict)


class AlertsConfig(_Model):
    links: LinksConfig = Field(default_factory=LinksConfig)
    slo: SloConfig = Field(default_factory=SloConfig)
    autoscaling: AutoscalingConfig = Field(default_factory=AutoscalingConfig)
    prometheus_rule: PrometheusRuleConfig = Field(default_factory=PrometheusRuleConfig)
    alertmanager: AlertmanagerSettings | None = None

    def slo_settings(self) -> SloRuleSettings:
        slo = self.slo
        return SloRuleSettings(
            links=self.links.to_links(),
            no_data_window=Duration.parse(slo.no_data_window),
            no_data_for=Duration.parse(slo.no_data_for),
            no_data_severity=slo.no_data_severity,
            min_events=slo.min_events,
            extra_labels=tuple(slo.labels.items()),
            interval=None if slo.interval is None else Duration.parse(slo.interval),
        )

    def autoscaling_settings(self) -> AutoscalingAlertSettings:
        auto = self.autoscaling
        return AutoscalingAlertSettings(
            hpa_matchers=tuple(auto.hpa_selector.items()),
            at_max_for=Duration.parse(auto.at_max_for),
            mismatch_for=Duration.parse(auto.mismatch_for),
            gpu_metric=auto.gpu.metric,
            gpu_threshold_percent=auto.gpu.threshold_percent,
            gpu_for=Duration.parse(auto.gpu.for_),
            gpu_namespace_label=auto.gpu.namespace_label,
            gpu_pod_label=auto.gpu.pod_label,
            gpu_workload_pattern=auto.gpu.workload_pattern,
            queue_sources=tuple(QueueSource(queue.metric, queue.namespace_label) for queue in auto.queues),
            queue_deriv_window=Duration.parse(auto.queue_deriv_window),
            queue_for=Duration.parse(auto.queue_for),
            adapter_window=Duration.parse(auto.adapter_window),
            left_out_for=Duration.parse(auto.left_out_for),
            adapter_errors_for=Duration.parse(auto.adapter_errors_for),
            severities=tuple(auto.severities.items()),
            extra_labels=tuple(auto.labels.items()),
            links=self.links.to_links(),
        )


def _location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_alerts_config(document: Any, *, source: str = "<config>") -> AlertsConfig:
    """Validate a parsed YAML document; ``None`` (an empty file) gives the defaults."""
    try:
        config = AlertsConfig.model_validate(document or {})
        config.slo_settings()
        config.autoscaling_settings()
    except ValidationError as exc:
        problems = [f"{_location(error['loc']) or '(top level)'}: {error['msg']}" for error in exc.errors()]
        raise AlertsConfigError(problems, source=source) from exc
    except ValueError as exc:
        raise AlertsConfigError([str(exc)], source=source) from exc
    return config


def load_alerts_config(path: Path) -> AlertsConfig:
    """Read and validate a YAML config file; raises :class:`AlertsConfigError`."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise AlertsConfigError([f"cannot read: {exc}"], source=str(path)) from exc
    return parse_alerts_config(document, source=str(path))

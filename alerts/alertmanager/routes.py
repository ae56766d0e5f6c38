"""The generated Alertmanager configuration: a route tree by severity and the inhibition rules.

Routes: everything goes to ``default_receiver``; ``severity="page"`` and ``severity="ticket"``
alerts go to their own receivers when configured. Inhibitions, all scoped to the same SLO
(``equal: [slo]`` plus any configured extra labels):

* a page silences the tickets of the same SLO;
* within a severity, a faster burn-rate tier (shorter long window) silences the slower ones;
* a queue growing at max replicas silences "HPA at max" for the same namespace.

Source and target matchers always require ``slo=~".+"`` for SLO inhibitions: Alertmanager treats a
label missing on both sides as equal, so without it any page would silence every unrelated ticket.
The output is what ``amtool check-config`` accepts (Alertmanager 0.25 syntax: ``matchers``,
``source_matchers``). Knows nothing about how the alerts themselves are computed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

from metrics_adapter.promql import Duration
from slo.burn_rate import BurnRateWindow

from ..autoscaling.rules import HPA_AT_MAX, QUEUE_GROWING_AT_MAX
from .receivers import Receiver

__all__ = ["AlertmanagerSettings", "alertmanager_config", "inhibit_rules"]

_LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


def _duration(value: str) -> str:
    Duration.parse(value)
    return value


class AlertmanagerSettings(BaseModel):
    """Receivers and routing knobs (camelCase keys); every referenced receiver must be defined.

    Receiver entries keep Alertmanager's own keys (``api_url``, ``routing_key_file``...).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, alias_generator=to_camel, populate_by_name=True)

    receivers: list[Receiver] = Field(min_length=1)
    default_receiver: str
    page_receiver: str | None = None
    ticket_receiver: str | None = None
    group_by: list[str] = Field(default_factory=lambda: ["alertname", "slo", "namespace"])
    group_wait: str = "30s"
    group_interval: str = "5m"
    repeat_interval: str = "4h"
    page_repeat_interval: str = "1h"
    inhibit_equal: list[str] = Field(default_factory=list)

    _durations = field_validator("group_wait", "group_interval", "repeat_interval", "page_repeat_interval")(
        _duration
    )

    @field_validator("group_by", "inhibit_equal")
    @classmethod
    def _labels(cls, values: list[str]) -> list[str]:
        bad = [value for value in values if value != "..." and _LABEL.fullmatch(value) is None]
        if bad:
            raise ValueError(f"invalid label name(s): {', '.join(bad)}")
        return values

    @model_validator(mode="after")
    def _receivers_exist(self) -> Self:
        names = [receiver.name for receiver in self.receivers]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"receivers: duplicate name(s) {', '.join(duplicates)}")
        for field_name in ("default_receiver", "page_receiver", "ticket_receiver"):
            value = getattr(self, field_name)
            if value is not None and value not in names:
                raise ValueError(
                    f"{to_camel(field_name)}: unknown receiver {value!r} (defined: {', '.join(names)})"
                )
        return self


def _matcher(label: str, value: str, *, op: str = "=") -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'{label}{op}"{escaped}"'


def _tier_order(tiers: Iterable[BurnRateWindow]) -> dict[str, list[tuple[int, str]]]:
    """Distinct long windows per severity, fastest first."""
    by_severity: dict[str, set[tuple[int, str]]] = {}
    for tier in tiers:
        by_severity.setdefault(str(tier.severity), set()).add((tier.long_window, tier.long_window_text))
    return {severity: sorted(windows) for severity, windows in sorted(by_severity.items())}


def inhibit_rules(settings: AlertmanagerSettings, tiers: Iterable[BurnRateWindow]) -> list[dict[str, Any]]:
    """Page-over-ticket, faster-over-slower tier and queue-over-at-max inhibitions, in a stable order."""
    equal = ["slo", *[label for label in settings.inhibit_equal if label != "slo"]]
    is_slo = _matcher("slo", ".+", op="=~")
    rules: list[dict[str, Any]] = [
        {
            "source_matchers": [_matcher("severity", "page"), is_slo],
            "target_matchers": [_matcher("severity", "ticket"), is_slo],
            "equal": equal,
        }
    ]
    for severity, windows in _tier_order(tiers).items():
        for index, (_, faster) in enumerate(windows):
            for _, slower in windows[index + 1 :]:
                rules.append(
                    {
                        "source_matchers": [
                            is_slo,
                            _matcher("severity", severity),
                            _matcher("long_window", faster),
                        ],
                        "target_matchers": [
                            is_slo,
                            _matcher("severity", severity),
                            _matcher("long_window", slower),
                        ],
                        "equal": equal,
                    }
                )
    rules.append(
        {
            "source_matchers": [_matcher("alertname", QUEUE_GROWING_AT_MAX)],
            "target_matchers": [_matcher("alertname", HPA_AT_MAX)],
            "equal": ["namespace"],
        }
    )
    return rules


def alertmanager_config(settings: AlertmanagerSettings, tiers: Iterable[BurnRateWindow]) -> dict[str, Any]:
    """The whole Alertmanager configuration document (route tree, inhibitions, receivers)."""
    routes: list[dict[str, Any]] = []
    if settings.page_receiver is not None:
        routes.append(
            {
                "receiver": settings.page_receiver,
                "matchers": [_matcher("severity", "page")],
                "repeat_interval": settings.page_repeat_interval,
            }
        )
    if settings.ticket_receiver is not None:
        routes.append({"receiver": settings.ticket_receiver, "matchers": [_matcher("severity", "ticket")]})
    route: dict[str, Any] = {
        "receiver": settings.default_receiver,
        "group_by": list(settings.group_by),
        "group_wait": settings.group_wait,
        "group_interval": settings.group_interval,
        "repeat_interval": settings.repeat_interval,
    }
    if routes:
        route["routes"] = routes
    return {
        "route": route,
        "inhibit_rules": inhibit_rules(settings, tiers),
        "receivers": [receiver.to_alertmanager() for receiver in settings.receivers],
    }

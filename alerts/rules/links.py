"""Runbook and dashboard links attached to alerts as annotations.

Templates are ``str.format`` strings over a closed set of fields (``alert``, ``slo``, ``service``),
checked when the links are built so a typo fails at configuration time, not in an alert. Knows
nothing about rules or PromQL.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

__all__ = ["LINK_FIELDS", "AlertLinks", "check_template"]

LINK_FIELDS = frozenset({"alert", "slo", "service"})


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def check_template(template: str, *, what: str = "link") -> str:
    """Return ``template`` if it only uses :data:`LINK_FIELDS`; raises ``ValueError`` otherwise."""
    try:
        fields = _fields(template)
    except ValueError as exc:
        raise ValueError(f"{what}: {exc}") from exc
    if "" in fields:
        raise ValueError(f"{what}: positional fields {{}} are not allowed")
    unknown = sorted(fields - LINK_FIELDS)
    if unknown:
        allowed = ", ".join(sorted(LINK_FIELDS))
        raise ValueError(f"{what}: unknown field(s) {', '.join(unknown)}; allowed: {allowed}")
    return template


@dataclass(frozen=True)
class AlertLinks:
    """URL templates, e.g. ``https://runbooks.example.com/{alert}`` or ``.../d/slo?var-slo={slo}``."""

    runbook_url: str | None = None
    dashboard_url: str | None = None

    def __post_init__(self) -> None:
        for what, template in (("runbook_url", self.runbook_url), ("dashboard_url", self.dashboard_url)):
            if template is not None:
                check_template(template, what=what)

    def annotations(self, *, alert: str, slo: str = "", service: str = "") -> dict[str, str]:
        """``runbook_url`` / ``dashboard_url`` annotations for one alert.

        A template is skipped when it needs a field this alert has no value for (an SLO dashboard
        link on an autoscaling alert), rather than producing a link with an empty parameter.
        """
        values = {"alert": alert, "slo": slo, "service": service}
        out: dict[str, str] = {}
        for name, template in (("runbook_url", self.runbook_url), ("dashboard_url", self.dashboard_url)):
            if template is not None and all(values[field] for field in _fields(template)):
                out[name] = template.format(**values)
        return out

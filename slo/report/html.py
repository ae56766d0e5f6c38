"""The SLO report as one self-contained HTML page: inline CSS, charts embedded as base64 PNG images.

Every text from specs and Prometheus is HTML-escaped. Charts come from :mod:`.charts`; an SLO without
a timeline says so instead. Built from the JSON report plus the charts per SLO id.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from .document import ReportDocument, SLOReport
from .markdown import format_duration, format_number, format_percent

__all__ = ["Charts", "render_html"]

Charts = Mapping[str, tuple[str, str]]
"""Per SLO id: (burn-down PNG, SLI PNG), base64."""

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#1f2328;max-width:1100px}
table{border-collapse:collapse;margin:.5rem 0}
td,th{border:1px solid #d0d7de;padding:.25rem .6rem;text-align:left}
th{background:#f6f8fa}.ok{color:#1a7f37}.warning{color:#9a6700}.exhausted,.invalid{color:#cf222e}
section{border-top:1px solid #d0d7de;margin-top:1.5rem}img{display:block;margin:.5rem 0;max-width:100%}
"""


def _state(report: SLOReport) -> str:
    state = report.policy_state if report.valid else "invalid"
    return f'<span class="{escape(state or "")}">{escape(state or "")}</span>'


def _row(report: SLOReport) -> str:
    cells = [
        f'<a href="#{escape(report.slo_id)}">{escape(report.slo_id)}</a>',
        f"{report.slo_target * 100:g}%",
        format_percent(report.sli_measurement),
        format_percent(report.error_budget_remaining_ratio, 1),
        format_number(report.current_burn_rate),
        _state(report),
        "yes" if report.alert else "no",
    ]
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def _table(head: list[str], rows: list[list[str]]) -> str:
    header = "".join(f"<th>{escape(cell)}</th>" for cell in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{header}</tr>{body}</table>"


def _section(report: SLOReport, charts: tuple[str, str] | None) -> str:
    parts = [f'<section id="{escape(report.slo_id)}"><h2>{escape(report.slo_id)}</h2>']
    if report.slo_description:
        parts.append(f"<p>{escape(report.slo_description)}</p>")
    parts.append(
        f"<p>Window {escape(report.window_text)}: "
        f"{escape(report.window_start)} to {escape(report.window_end)} "
        f"({format_percent(report.elapsed_fraction, 1)} elapsed), {escape(report.budgeting_method)}.</p>"
    )
    if not report.valid:
        parts += [f'<p class="invalid">{escape(error)}</p>' for error in report.errors]
        return "".join(parts) + "</section>"
    facts = [
        ["SLI", format_percent(report.sli_measurement)],
        [
            "Events (total / bad)",
            f"{format_number(report.events_count, 0)} / {format_number(report.bad_events_count, 0)}",
        ],
        ["Budget (minutes)", format_number(report.error_budget_minutes, 1)],
        ["Spent (minutes)", format_number(report.error_minutes, 1)],
        [
            "Left",
            f"{format_number(report.error_budget_remaining_minutes, 1)} min "
            f"({format_percent(report.error_budget_remaining_ratio, 1)})",
        ],
        ["Time to exhaustion", format_duration(report.time_to_exhaustion_seconds)],
        [
            "Policy",
            f"{report.policy_state}"
            + (f": {report.consequence_message}" if report.consequence_message else ""),
        ],
    ]
    parts.append(_table(["", ""], facts))
    if report.burn_rates:
        rows = [
            [b.window, format_percent(b.error_ratio), format_number(b.burn_rate)] for b in report.burn_rates
        ]
        parts.append(_table(["Window", "Error ratio", "Burn rate"], rows))
    if report.alerts:
        rows = [
            [
                a.tier,
                f"{a.factor:g}",
                format_number(a.long_burn_rate),
                format_number(a.short_burn_rate),
                "yes" if a.firing else "no",
            ]
            for a in report.alerts
        ]
        parts.append(_table(["Alert tier", "Factor", "Long burn", "Short burn", "Firing"], rows))
    if charts is None:
        parts.append("<p>No timeline: no data over the window.</p>")
    else:
        burn_down, sli = charts
        parts.append(f'<img alt="error budget burn-down" src="data:image/png;base64,{burn_down}">')
        parts.append(f'<img alt="SLI timeline" src="data:image/png;base64,{sli}">')
    return "".join(parts) + "</section>"


def render_html(document: ReportDocument, charts: Charts) -> str:
    period = f"month {document.period.month}" if document.period.month else "each SLO's window"
    head = ["SLO", "Target", "SLI", "Budget left", "Burn rate", "Policy", "Alert"]
    summary = "<table><tr>" + "".join(f"<th>{cell}</th>" for cell in head) + "</tr>"
    summary += "".join(_row(report) for report in document.reports) + "</table>"
    sections = "".join(_section(report, charts.get(report.slo_id)) for report in document.reports)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>SLO report</title>'
        f"<style>{_STYLE}</style></head><body><h1>SLO report</h1>"
        f"<p>Evaluated at {escape(document.timestamp_human)} over {escape(period)}.</p>"
        f"{summary}{sections}</body></html>\n"
    )

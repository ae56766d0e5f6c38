"""The SLO report as Markdown: a summary table, then one section per SLO. Built from the JSON report."""

from __future__ import annotations

from .document import ReportDocument, SLOReport

__all__ = ["format_duration", "format_percent", "render_markdown"]


def format_percent(value: float | None, places: int = 3) -> str:
    return "n/a" if value is None else f"{value * 100:.{places}f}%"


def format_number(value: float | None, places: int = 2) -> str:
    return "n/a" if value is None else f"{value:,.{places}f}"


def format_duration(seconds: float | None) -> str:
    """``None`` -> "never"; otherwise the two largest units: ``1d 12h``, ``3h 5m``, ``42s``."""
    if seconds is None:
        return "never"
    remaining = int(seconds)
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        amount, remaining = divmod(remaining, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return " ".join(parts[:2]) or "0s"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _summary(report: SLOReport) -> str:
    if not report.valid:
        return f"| {_cell(report.slo_id)} | {report.slo_target * 100:g}% | invalid | | | | |"
    return (
        f"| {_cell(report.slo_id)} | {report.slo_target * 100:g}% | {format_percent(report.sli_measurement)} "
        f"| {format_percent(report.error_budget_remaining_ratio, 1)} "
        f"| {format_number(report.current_burn_rate)} | {report.policy_state} "
        f"| {'yes' if report.alert else 'no'} |"
    )


def _section(report: SLOReport) -> list[str]:
    lines = [f"## {report.slo_id}", ""]
    if report.slo_description:
        lines += [report.slo_description, ""]
    lines += [
        f"- Window: {report.window_text} ({report.window_start} to {report.window_end}, "
        f"{format_percent(report.elapsed_fraction, 1)} elapsed), {report.budgeting_method}",
    ]
    if not report.valid:
        return [*lines, *(f"- **Error:** {_cell(error)}" for error in report.errors), ""]
    lines += [
        f"- SLI: {format_percent(report.sli_measurement)} (target {report.slo_target * 100:g}%, "
        f"gap {format_percent(report.gap)})",
        f"- {report.unit or 'events'}: {format_number(report.events_count, 0)} total, "
        f"{format_number(report.bad_events_count, 0)} bad",
        f"- Error budget: {format_number(report.error_budget_minutes, 1)} min, "
        f"{format_number(report.error_minutes, 1)} min spent, "
        f"{format_number(report.error_budget_remaining_minutes, 1)} min left "
        f"({format_percent(report.error_budget_remaining_ratio, 1)})",
        "- Time to exhaustion at the current burn rate: "
        f"{format_duration(report.time_to_exhaustion_seconds)}",
        f"- Policy: {report.policy_state}"
        + (f": {report.consequence_message}" if report.consequence_message else ""),
    ]
    if report.burn_rates:
        lines += ["", "| Window | Error ratio | Burn rate |", "|---|---|---|"]
        lines += [
            f"| {burn.window} | {format_percent(burn.error_ratio)} | {format_number(burn.burn_rate)} |"
            for burn in report.burn_rates
        ]
    if report.alerts:
        lines += ["", "| Alert tier | Factor | Long burn | Short burn | Firing |", "|---|---|---|---|---|"]
        lines += [
            f"| {alert.tier} | {alert.factor:g} | {format_number(alert.long_burn_rate)} "
            f"| {format_number(alert.short_burn_rate)} | {'yes' if alert.firing else 'no'} |"
            for alert in report.alerts
        ]
    if report.groups:
        lines += ["", "| Group | SLI | Events | Budget left |", "|---|---|---|---|"]
        lines += [
            f"| {_cell(', '.join(f'{k}={v}' for k, v in group.labels.items()))} "
            f"| {format_percent(group.sli_measurement)} | {format_number(group.events_count, 0)} "
            f"| {format_percent(group.error_budget_remaining_ratio, 1)} |"
            for group in report.groups
        ]
    return [*lines, ""]


def render_markdown(document: ReportDocument) -> str:
    period = f"month {document.period.month}" if document.period.month else "each SLO's window"
    lines = [
        "# SLO report",
        "",
        f"Evaluated at {document.timestamp_human} over {period}.",
        "",
        "| SLO | Target | SLI | Budget left | Burn rate | Policy | Alert |",
        "|---|---|---|---|---|---|---|",
        *(_summary(report) for report in document.reports),
        "",
    ]
    for report in document.reports:
        lines += _section(report)
    return "\n".join(lines)

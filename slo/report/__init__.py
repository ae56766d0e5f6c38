"""SLO reports: a JSON document with slo-generator's fields (schema in :mod:`.document`), Markdown,
and a self-contained HTML page with budget burn-down and SLI charts.

``await produce_report(slos, client, at=..., fmt=ReportFormat.HTML)``; ``--month`` style reports
pass ``month=(2026, 10)``. Knows evaluation and rendering; no files, no terminal.
"""

from .build import ReportFormat, ReportProgress, evaluate_for_report, produce_report
from .document import SCHEMA_VERSION, ReportDocument, SLOReport, build_report, report_json_schema
from .html import render_html
from .markdown import render_markdown
from .period import month_end, month_span_rule, parse_month
from .timeline import Timeline, choose_step, fetch_timelines

__all__ = [
    "SCHEMA_VERSION",
    "ReportDocument",
    "ReportFormat",
    "ReportProgress",
    "SLOReport",
    "Timeline",
    "build_report",
    "choose_step",
    "evaluate_for_report",
    "fetch_timelines",
    "month_end",
    "month_span_rule",
    "parse_month",
    "produce_report",
    "render_html",
    "render_markdown",
    "report_json_schema",
]

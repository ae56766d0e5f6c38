"""SLO specs, SLI queries, error budgets and burn rates, evaluation and reports.

Never imports ``autoscaler``; builds PromQL with ``metrics_adapter.promql``.
"""

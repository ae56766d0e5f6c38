"""SLO recording and burn-rate alerting rules and their annotations, one SLO at a time.

Reads an SLO through :mod:`slo.sli` and writes rules with :mod:`alerts.rules`; nothing about promtool
tests, Alertmanager or output files.
"""

"""Prometheus recording and alerting rules, Alertmanager routes, and their promtool tests."""

"""Grafana dashboards as code for the serving stack."""

"""Prometheus rule files shared by every alert flow: the rule model, its two file formats, exact
decimal literals and the runbook/dashboard links alerts carry.

Knows typed PromQL and YAML; nothing about SLOs, autoscaling or promtool tests.
"""

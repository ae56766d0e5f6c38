"""Autoscaling health alerts (HPAs, GPUs, queues, the metrics adapter) and their hand-written promtool
scenarios.

Writes rules with :mod:`alerts.rules` and tests with :mod:`alerts.promtool.model`; nothing about SLOs.
"""

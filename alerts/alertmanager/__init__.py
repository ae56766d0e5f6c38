"""The generated Alertmanager configuration: receivers, the route tree by severity, inhibition rules.

Knows the alert names it routes and inhibits; nothing about rule expressions or promtool tests.
"""

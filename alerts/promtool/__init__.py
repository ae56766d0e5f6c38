"""``promtool test rules`` files: the test-file model, generated SLO alert tests fed by synthetic
traffic (raw series or error-ratio records), and the run of promtool/amtool over a rendered directory.

Knows the rule model and the SLO rules it tests; nothing about Alertmanager routes.
"""

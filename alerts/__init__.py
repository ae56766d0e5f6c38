"""Prometheus recording and alerting rules, Alertmanager routes, and their promtool tests.

* :func:`slo_rules` — recording rules per window, budget, multi-window multi-burn-rate alerts and
  a no-data alert for one SLO (record and alert names in :mod:`slo.record_names`);
* :func:`autoscaling_rule_groups` — HPA, GPU, queue and metrics-adapter alerts;
* :func:`alertmanager_config` — route tree by severity and inhibition rules;
* :func:`slo_test_files` / :func:`autoscaling_test_file` — generated ``promtool test rules`` files;
* :func:`render` writes all of it into a directory; :func:`verify_directory` runs promtool/amtool.

Grouped by flow: :mod:`.slo` and :mod:`.autoscaling` build rules (and the autoscaling scenarios) on
the shared rule model and file formats of :mod:`.rules`; :mod:`.promtool` generates and runs the
tests; :mod:`.alertmanager` routes what fires; :mod:`.config` reads the options and :mod:`.render`
writes every file.

Imports ``slo`` and the adapter's typed PromQL only.
"""

from slo.sli import sli_source

from .alertmanager.receivers import EmailConfig, PagerDutyConfig, Receiver, SlackConfig, WebhookConfig
from .alertmanager.routes import AlertmanagerSettings, alertmanager_config, inhibit_rules
from .autoscaling.promtool_tests import autoscaling_test_file
from .autoscaling.rules import AutoscalingAlertSettings, GpuMetric, QueueSource, autoscaling_rule_groups
from .config import AlertsConfig, AlertsConfigError, load_alerts_config, parse_alerts_config
from .promtool.slo_tests import slo_test_files
from .promtool.verify import ToolMissingError, ToolRun, VerifyReport, verify_directory
from .render import render
from .rules.files import OutputFormat, dump_yaml, prometheus_rule, rules_document
from .rules.links import AlertLinks
from .rules.model import AlertingRule, RecordingRule, RuleGroup
from .slo.rules import SloRules, SloRuleSettings, slo_rules

__all__ = [
    "AlertLinks",
    "AlertingRule",
    "AlertmanagerSettings",
    "AlertsConfig",
    "AlertsConfigError",
    "AutoscalingAlertSettings",
    "EmailConfig",
    "GpuMetric",
    "OutputFormat",
    "PagerDutyConfig",
    "QueueSource",
    "Receiver",
    "RecordingRule",
    "RuleGroup",
    "SlackConfig",
    "SloRuleSettings",
    "SloRules",
    "ToolMissingError",
    "ToolRun",
    "VerifyReport",
    "WebhookConfig",
    "alertmanager_config",
    "autoscaling_rule_groups",
    "autoscaling_test_file",
    "dump_yaml",
    "inhibit_rules",
    "load_alerts_config",
    "parse_alerts_config",
    "prometheus_rule",
    "render",
    "rules_document",
    "sli_source",
    "slo_rules",
    "slo_test_files",
    "verify_directory",
]

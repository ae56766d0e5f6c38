"""Write every alerting artefact for a set of SLOs into one directory, deterministically.

Files (``<stem>`` is ``slo-<service>-<name>``):

* ``<stem>.rules.yaml`` or, with ``OutputFormat.PROMETHEUS_RULE``, ``<stem>.prometheusrule.yaml``;
* ``<stem>.test.yaml`` / ``<stem>.slow.test.yaml``: generated promtool tests (they name
  ``<stem>.rules.yaml``; ``alerts test`` extracts it from a ``PrometheusRule`` when needed);
* ``autoscaling.rules.yaml`` (or ``.prometheusrule.yaml``) and ``autoscaling.test.yaml``;
* ``alertmanager.yaml`` when the config has an ``alertmanager`` section.

Same input, same bytes. Other files in the directory are left alone. Knows the rule builders and
output formats; nothing about running promtool.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from slo.burn_rate import BurnRateWindow
from slo.spec import SLO

from .alertmanager.routes import alertmanager_config
from .autoscaling.promtool_tests import autoscaling_test_file
from .autoscaling.rules import autoscaling_rule_groups
from .config import AlertsConfig
from .promtool.slo_tests import FedAt, fed_at, slo_test_files
from .rules.files import OutputFormat, dump_yaml, prometheus_rule, rules_document
from .rules.model import RuleGroup
from .slo.rules import slo_rules

__all__ = ["AUTOSCALING_STEM", "describe_test_inputs", "render", "rule_file_name", "slo_stem"]

AUTOSCALING_STEM = "autoscaling"
ALERTMANAGER_FILE = "alertmanager.yaml"
_SUFFIX = {OutputFormat.RULES: "rules.yaml", OutputFormat.PROMETHEUS_RULE: "prometheusrule.yaml"}


def slo_stem(slo: SLO) -> str:
    return f"slo-{slo.slo_id}"


def rule_file_name(stem: str, fmt: OutputFormat = OutputFormat.RULES) -> str:
    return f"{stem}.{_SUFFIX[fmt]}"


def _object_name(stem: str) -> str:
    """A DNS-1123 name for the ``PrometheusRule``: lower case, ``-`` for anything else."""
    name = re.sub(r"[^a-z0-9.-]+", "-", f"servescale-{stem}".lower()).strip("-.")
    return name[:253]


def _rules_text(groups: Sequence[RuleGroup], stem: str, fmt: OutputFormat, config: AlertsConfig) -> str:
    document: dict[str, Any]
    if fmt is OutputFormat.PROMETHEUS_RULE:
        meta = config.prometheus_rule
        document = prometheus_rule(
            groups, name=_object_name(stem), namespace=meta.namespace, labels=meta.labels
        )
    else:
        document = rules_document(groups)
    return dump_yaml(document)


def _write(out_dir: Path, name: str, text: str, written: list[Path]) -> None:
    path = out_dir / name
    path.write_text(text, encoding="utf-8")
    written.append(path)


def render(
    slos: Sequence[SLO],
    *,
    out_dir: Path,
    config: AlertsConfig | None = None,
    fmt: OutputFormat = OutputFormat.RULES,
    tests: bool = True,
) -> list[Path]:
    """Render rules (and tests) for ``slos`` plus autoscaling and Alertmanager files; returns the paths.

    Raises ``ValueError`` when two SLOs share a service and name, and
    :class:`slo.sli.UnsupportedSLIError` for an SLI that cannot be turned into rules.
    """
    config = config or AlertsConfig()
    stems = [slo_stem(slo) for slo in slos]
    duplicates = sorted({stem for stem in stems if stems.count(stem) > 1})
    if duplicates:
        raise ValueError(f"several SLOs would share the rule file(s): {', '.join(duplicates)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    settings = config.slo_settings()
    tiers: list[BurnRateWindow] = []
    for slo, stem in zip(slos, stems, strict=True):
        rules = slo_rules(slo, settings)
        tiers.extend(tier for tier, _ in rules.tiers)
        _write(out_dir, rule_file_name(stem, fmt), _rules_text(rules.groups, stem, fmt, config), written)
        if tests:
            for suffix, test_file in slo_test_files(rules, rule_file=rule_file_name(stem)).items():
                _write(out_dir, f"{stem}.{suffix}.yaml", dump_yaml(test_file.to_dict()), written)
    if config.autoscaling.enabled:
        auto = config.autoscaling_settings()
        groups = autoscaling_rule_groups(auto)
        _write(
            out_dir,
            rule_file_name(AUTOSCALING_STEM, fmt),
            _rules_text(groups, AUTOSCALING_STEM, fmt, config),
            written,
        )
        if tests:
            test_file = autoscaling_test_file(auto, rule_file=rule_file_name(AUTOSCALING_STEM))
            _write(out_dir, f"{AUTOSCALING_STEM}.test.yaml", dump_yaml(test_file.to_dict()), written)
    if config.alertmanager is not None:
        _write(
            out_dir, ALERTMANAGER_FILE, dump_yaml(alertmanager_config(config.alertmanager, tiers)), written
        )
    return sorted(written)


def describe_test_inputs(slos: Sequence[SLO], config: AlertsConfig | None = None) -> list[str]:
    """One line per SLO with alerts: whether its generated tests feed the SLI's own raw series (so the
    user's query and its aggregation are tested) or only our error-ratio records."""
    settings = (config or AlertsConfig()).slo_settings()
    lines: list[str] = []
    for slo in slos:
        rules = slo_rules(slo, settings)
        if not rules.tiers and rules.no_data is None:
            continue
        how = fed_at(rules)
        note = "" if how is FedAt.RAW_SERIES else " (the SLI query itself is only syntax-checked)"
        lines.append(f"{slo.slo_id}: generated tests feed {how}{note}")
    return lines

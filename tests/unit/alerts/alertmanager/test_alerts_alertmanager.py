"""Alertmanager route tree, inhibition rules and receiver validation."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from alerts.alertmanager.routes import AlertmanagerSettings, alertmanager_config, inhibit_rules
from alerts.autoscaling.rules import HPA_AT_MAX, QUEUE_GROWING_AT_MAX
from slo.burn_rate import BurnRateWindow, Severity, burn_rate_table

DAY = 86_400
RECEIVERS: list[dict[str, Any]] = [
    {"name": "oncall", "pagerduty": [{"routing_key_file": "/secrets/pd"}]},
    {"name": "team", "slack": [{"api_url": "https://hooks.slack.com/services/x", "channel": "#slo"}]},
    {"name": "hook", "webhook": [{"url": "http://relay:8080/alerts"}]},
    {"name": "mail", "email": [{"to": "ml@example.com", "from": "am@example.com", "smarthost": "smtp:587"}]},
    {"name": "blackhole"},
]


def _settings(**overrides: Any) -> AlertmanagerSettings:
    document = {
        "receivers": RECEIVERS,
        "defaultReceiver": "hook",
        "pageReceiver": "oncall",
        "ticketReceiver": "team",
    }
    return AlertmanagerSettings.model_validate({**document, **overrides})


def test_route_tree_sends_pages_and_tickets_to_their_receivers() -> None:
    route = alertmanager_config(_settings(), burn_rate_table(30 * DAY))["route"]
    assert route["receiver"] == "hook"
    assert route["group_by"] == ["alertname", "slo", "namespace"]
    assert route["routes"] == [
        {"receiver": "oncall", "matchers": ['severity="page"'], "repeat_interval": "1h"},
        {"receiver": "team", "matchers": ['severity="ticket"']},
    ]


def test_without_severity_receivers_everything_goes_to_the_default() -> None:
    route = alertmanager_config(_settings(pageReceiver=None, ticketReceiver=None), ())["route"]
    assert "routes" not in route


def test_page_inhibits_ticket_of_the_same_slo_only() -> None:
    [page_over_ticket, *_] = inhibit_rules(_settings(), burn_rate_table(30 * DAY))
    assert page_over_ticket == {
        "source_matchers": ['severity="page"', 'slo=~".+"'],
        "target_matchers": ['severity="ticket"', 'slo=~".+"'],
        "equal": ["slo"],
    }


@pytest.mark.parametrize(
    ("tiers", "pairs"),
    [
        pytest.param(
            burn_rate_table(30 * DAY), [("page", "1h", "6h"), ("ticket", "1d", "3d")], id="workbook"
        ),
        pytest.param(
            (
                BurnRateWindow.from_factor(Severity.PAGE, 14.4, long_window=3600, period=30 * DAY),
                BurnRateWindow.from_factor(Severity.PAGE, 6, long_window=6 * 3600, period=30 * DAY),
                BurnRateWindow.from_factor(Severity.PAGE, 3, long_window=12 * 3600, period=30 * DAY),
            ),
            [("page", "1h", "6h"), ("page", "1h", "12h"), ("page", "6h", "12h")],
            id="three-page-tiers",
        ),
        pytest.param((), [], id="no-slos"),
    ],
)
def test_faster_tiers_inhibit_slower_ones(
    tiers: tuple[BurnRateWindow, ...], pairs: list[tuple[str, ...]]
) -> None:
    rules = inhibit_rules(_settings(inhibitEqual=["service"]), tiers)
    found = []
    for rule in rules[1:-1]:
        source = {m.split("=")[0]: m.split('"')[1] for m in rule["source_matchers"]}
        target = {m.split("=")[0]: m.split('"')[1] for m in rule["target_matchers"]}
        assert source["severity"] == target["severity"]
        assert rule["equal"] == ["slo", "service"]
        found.append((source["severity"], source["long_window"], target["long_window"]))
    assert found == pairs


def test_queue_growth_inhibits_hpa_at_max_in_the_same_namespace() -> None:
    last = inhibit_rules(_settings(), ())[-1]
    assert last == {
        "source_matchers": [f'alertname="{QUEUE_GROWING_AT_MAX}"'],
        "target_matchers": [f'alertname="{HPA_AT_MAX}"'],
        "equal": ["namespace"],
    }


def test_receivers_keep_alertmanager_keys() -> None:
    receivers = {r["name"]: r for r in alertmanager_config(_settings(), ())["receivers"]}
    assert receivers["oncall"] == {
        "name": "oncall",
        "pagerduty_configs": [{"routing_key_file": "/secrets/pd", "send_resolved": True}],
    }
    assert receivers["mail"]["email_configs"][0]["from"] == "am@example.com"
    assert receivers["blackhole"] == {"name": "blackhole"}


@pytest.mark.parametrize(
    ("overrides", "location", "message"),
    [
        pytest.param(
            {"defaultReceiver": "nobody"}, (), "defaultReceiver: unknown receiver 'nobody'", id="unknown"
        ),
        pytest.param({"groupWait": "soon"}, ("groupWait",), "invalid duration", id="duration"),
        pytest.param({"groupBy": ["alert-name"]}, ("groupBy",), "invalid label name", id="group-by"),
        pytest.param(
            {"receivers": [*RECEIVERS, RECEIVERS[0]]}, (), "duplicate name(s) oncall", id="duplicate"
        ),
        pytest.param(
            {"receivers": [{"name": "s", "slack": [{"channel": "#x"}]}], "defaultReceiver": "s"},
            ("receivers", 0, "slack", 0),
            "exactly one of api_url, api_url_file",
            id="slack-secret",
        ),
        pytest.param(
            {"receivers": [{"name": "p", "pagerduty": [{"routing_key": "a", "service_key": "b"}]}]},
            ("receivers", 0, "pagerduty", 0),
            "exactly one of",
            id="pagerduty-two-keys",
        ),
        pytest.param(
            {"receivers": [{"name": "w", "webhook": [{"url": "ftp://x"}]}]},
            ("receivers", 0, "webhook", 0, "url"),
            "not an http(s) URL",
            id="webhook-url",
        ),
        pytest.param(
            {"receivers": [{"name": "m", "email": [{"to": "x", "from": "a@b", "smarthost": "smtp"}]}]},
            ("receivers", 0, "email", 0, "to"),
            "not an e-mail address",
            id="email-to",
        ),
        pytest.param(
            {"receivers": [{"name": "m", "slack": [{"api_url": "https://x/y", "chanel": "#x"}]}]},
            ("receivers", 0, "slack", 0, "chanel"),
            "Extra inputs",
            id="typo",
        ),
    ],
)
def test_invalid_settings_name_the_field(
    overrides: dict[str, Any], location: tuple[Any, ...], message: str
) -> None:
    with pytest.raises(ValidationError) as info:
        _settings(**overrides)
    errors = info.value.errors()
    assert any(
        tuple(error["loc"][: len(location)]) == location and message in error["msg"] for error in errors
    ), errors

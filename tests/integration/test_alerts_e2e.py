"""Burn-rate alerts end to end: an error burst injected into the sandbox, a real Prometheus evaluating
the rendered rules, a real Alertmanager running the generated route tree and inhibitions, and a
webhook receiver in this test collecting what Alertmanager sends.

The SLO uses explicit second-scale tiers (``alerting.windows``) so the burst, the page and its
resolution fit in well under a minute: page 30s/5s at burn rate 10 (error ratio above 0.1), ticket
2m/10s at burn rate 5 (above 0.05). A 50 % error burst trips the page after ~6 s and the ticket after
~12 s, so the ticket is inhibited while the page fires.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import yaml

from alerts.config import AlertsConfig
from alerts.render import render
from autoscaler.sandbox.runner import SandboxServer
from servescale.demo.stack import SANDBOX_JOB
from servescale.stack.alertmanager import AlertmanagerServer
from servescale.stack.prometheus import PrometheusServer, ScrapeTarget
from slo.spec import load_slos
from tests.integration.conftest import SHORT_TIERS_SLO, fast_scenario

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]

BURST_ERROR_RATE = 0.5
BURST_SECONDS = 20


@dataclass
class Notification:
    path: str
    received: float  # monotonic
    received_wall: datetime
    body: dict[str, Any]

    def alerts(self, severity: str, status: str) -> list[dict[str, Any]]:
        return [
            alert
            for alert in self.body["alerts"]
            if alert["labels"].get("severity") == severity and alert["status"] == status
        ]


@dataclass
class WebhookReceiver:
    """Collects Alertmanager's webhook POSTs (one JSON document each) with their arrival time."""

    notifications: list[Notification] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with receiver.lock:
                    receiver.notifications.append(
                        Notification(self.path, time.monotonic(), datetime.now(UTC), body)
                    )
                self.send_response(200)
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                return

        return Handler

    def matching(self, severity: str, status: str) -> list[Notification]:
        with self.lock:
            return [n for n in self.notifications if n.alerts(severity, status)]


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


@pytest.fixture(scope="module")
def webhook() -> Iterator[tuple[WebhookReceiver, str]]:
    receiver = WebhookReceiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), receiver.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def alerts_config(url: str) -> AlertsConfig:
    return AlertsConfig.model_validate(
        {
            "links": {"runbookUrl": "https://runbooks.example.com/{slo}"},
            "autoscaling": {"enabled": False},
            "alertmanager": {
                "receivers": [
                    {"name": "oncall", "webhook": [{"url": f"{url}/page"}]},
                    {"name": "tickets", "webhook": [{"url": f"{url}/ticket"}]},
                    {"name": "everything-else", "webhook": [{"url": f"{url}/default"}]},
                ],
                "defaultReceiver": "everything-else",
                "pageReceiver": "oncall",
                "ticketReceiver": "tickets",
                "groupWait": "1s",
                "groupInterval": "1s",
                "repeatInterval": "1h",
                "pageRepeatInterval": "1h",
            },
        }
    )


@dataclass
class AlertingStack:
    sandbox: SandboxServer
    prometheus: PrometheusServer
    alertmanager: AlertmanagerServer
    rules: dict[str, Any]


@pytest.fixture(scope="module")
def alerting_stack(
    webhook: tuple[WebhookReceiver, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AlertingStack]:
    out = tmp_path_factory.mktemp("rendered")
    written = render(load_slos(SHORT_TIERS_SLO), out_dir=out, config=alerts_config(webhook[1]), tests=False)
    rule_files = [path for path in written if path.name.endswith(".rules.yaml")]
    assert [path.name for path in rule_files] == ["slo-resnet-resnet-availability.rules.yaml"]
    rules = yaml.safe_load(rule_files[0].read_text())
    with (
        SandboxServer(fast_scenario()) as sandbox,
        AlertmanagerServer(out / "alertmanager.yaml") as alertmanager,
        PrometheusServer(
            targets=[ScrapeTarget(SANDBOX_JOB, sandbox.address)],
            rule_files=rule_files,
            alertmanager_urls=[alertmanager.url],
        ) as prometheus,
    ):
        prometheus.wait_for_targets_up(timeout=30)
        yield AlertingStack(sandbox, prometheus, alertmanager, rules)


def rule_labels(rules: dict[str, Any], severity: str) -> dict[str, str]:
    for group in rules["groups"]:
        for rule in group["rules"]:
            if "alert" in rule and rule["labels"].get("severity") == severity:
                return {"alertname": rule["alert"], **rule["labels"]}
    raise AssertionError(f"no {severity} rule rendered")


def prometheus_alerts(stack: AlertingStack) -> list[dict[str, Any]]:
    body = httpx.get(f"{stack.prometheus.url}/api/v1/alerts", timeout=5).json()
    alerts: list[dict[str, Any]] = body["data"]["alerts"]
    return alerts


def alertmanager_alerts(stack: AlertingStack) -> list[dict[str, Any]]:
    alerts: list[dict[str, Any]] = httpx.get(f"{stack.alertmanager.url}/api/v2/alerts", timeout=5).json()
    return alerts


def firing_in_prometheus(stack: AlertingStack, severity: str) -> bool:
    return any(
        a["labels"].get("severity") == severity and a["state"] == "firing" for a in prometheus_alerts(stack)
    )


def test_error_burst_pages_inhibits_the_ticket_and_resolves(
    alerting_stack: AlertingStack, webhook: tuple[WebhookReceiver, str]
) -> None:
    stack, (receiver, _) = alerting_stack, webhook
    faults = f"{stack.sandbox.url}/faults/ml/resnet"
    # Clean traffic first: nothing fires, nothing is sent.
    time.sleep(8)
    assert not [a for a in prometheus_alerts(stack) if a["labels"].get("slo") == "resnet-availability"]
    assert not receiver.notifications

    httpx.put(faults, json={"errorRate": BURST_ERROR_RATE}, timeout=5).raise_for_status()
    burst_started = time.monotonic()
    page = wait_for(lambda: receiver.matching("page", "firing"), 40, "the page notification")[0]
    paged_after = page.received - burst_started
    assert page.path == "/page"  # routed by severity to the page receiver
    # Workbook detection time factor * long window / burn = 10 * 30 s / 50 = 6 s, plus scrape,
    # evaluation, group wait and dispatch (1 s each) and the burst's onset in the rate window.
    assert paged_after < 6 + 10

    # The page carries our labels exactly as rendered, and the runbook link.
    [alert] = page.alerts("page", "firing")
    assert alert["labels"] == rule_labels(stack.rules, "page")
    assert alert["labels"]["long_window"] == "30s"
    assert alert["labels"]["short_window"] == "5s"
    assert alert["labels"]["burn_rate"] == "10"
    assert alert["annotations"]["runbook_url"] == "https://runbooks.example.com/resnet-availability"

    # While the page fires the ticket fires in Prometheus too, but Alertmanager holds it back.
    wait_for(lambda: firing_in_prometheus(stack, "ticket"), 30, "the ticket tier to fire in Prometheus")

    def ticket_inhibited() -> dict[str, Any] | None:
        for item in alertmanager_alerts(stack):
            if item["labels"].get("severity") == "ticket" and item["status"]["inhibitedBy"]:
                return item
        return None

    ticket = wait_for(ticket_inhibited, 15, "Alertmanager to inhibit the ticket")
    assert ticket["status"]["state"] == "suppressed"
    assert ticket["labels"]["slo"] == "resnet-availability"
    pages = [a for a in alertmanager_alerts(stack) if a["labels"].get("severity") == "page"]
    assert ticket["status"]["inhibitedBy"] == [pages[0]["fingerprint"]]

    remaining = BURST_SECONDS - (time.monotonic() - burst_started)
    time.sleep(max(0.0, remaining))
    httpx.delete(faults, timeout=5).raise_for_status()
    burst_ended = time.monotonic()

    resolved = wait_for(lambda: receiver.matching("page", "resolved"), 45, "the page to resolve")[0]
    assert resolved.path == "/page"
    assert resolved.alerts("page", "resolved")[0]["labels"] == rule_labels(stack.rules, "page")
    resolved_after = resolved.received - burst_ended
    assert resolved_after < 5 + 10  # the 5 s short window clears, then one group interval

    # No ticket reached a receiver while the page was firing: any ticket notification came after the
    # page's end (Alertmanager lifts the inhibition once the page is resolved, before its own
    # resolved notification is necessarily out).
    page_ended = datetime.fromisoformat(resolved.alerts("page", "resolved")[0]["endsAt"])
    early_tickets = [n for n in receiver.matching("ticket", "firing") if n.received_wall < page_ended]
    assert not early_tickets, [n.body["alerts"] for n in early_tickets]
    print(f"paged {paged_after:.1f}s after the burst began; resolved {resolved_after:.1f}s after it ended")

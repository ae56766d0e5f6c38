"""SLOs built in code for the alerts tests: Istio availability and latency with adjustable knobs."""

from __future__ import annotations

from decimal import Decimal

from slo.burn_rate import BurnRateWindow
from slo.objective import Objective
from slo.spec import (
    SLI,
    SLO,
    Alerting,
    AlertRoute,
    AvailabilitySLI,
    CodePolicy,
    HistogramKind,
    IstioTarget,
    LatencySLI,
)
from slo.window import RollingWindow

DAY = 86_400
TARGET = IstioTarget("ml", workload="llama-predictor")


def availability(
    *, bad_codes: str = "5..", policy: tuple[tuple[str, CodePolicy], ...] = (), target: IstioTarget = TARGET
) -> AvailabilitySLI:
    return AvailabilitySLI(target, bad_codes=bad_codes, code_policy=policy)


def latency(threshold_ms: str = "1000", *, histogram: HistogramKind = HistogramKind.CLASSIC) -> LatencySLI:
    return LatencySLI(TARGET, Decimal(threshold_ms), histogram=histogram)


def make_slo(
    sli: SLI | None = None,
    *,
    name: str = "availability",
    service: str = "llama",
    percent: str = "99.9",
    period_days: int = 30,
    page: bool = True,
    ticket: bool = True,
    min_events: int | None = None,
    alert_name: str | None = None,
    windows: tuple[BurnRateWindow, ...] | None = None,
    labels: tuple[tuple[str, str], ...] = (),
    alert_labels: tuple[tuple[str, str], ...] = (),
    runbook: str | None = None,
    alert_when_no_data: bool = False,
) -> SLO:
    return SLO(
        name=name,
        service=service,
        sli=sli if sli is not None else availability(),
        objective=Objective.from_percent(percent),
        window=RollingWindow(period_days * DAY),
        alerting=Alerting(
            name=alert_name,
            page=AlertRoute(enabled=page, runbook=runbook),
            ticket=AlertRoute(enabled=ticket),
            min_events=min_events,
            labels=alert_labels,
            windows=windows,
            alert_when_no_data=alert_when_no_data,
        ),
        labels=labels,
    )

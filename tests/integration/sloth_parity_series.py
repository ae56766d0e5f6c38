"""Synthetic input series for the Sloth parity test: 78 hours of one-minute samples in 13 six-hour
phases, alternating busy and quiet, for every metric Sloth's loaded examples query.

Traffic is deliberately uneven: a busy pod beside a quiet one, errors mostly at night (quiet phases),
an outage in one quiet phase, throttling only when busy, label sets the queries must leave out
(another job, WATCH requests), and wifi clients that come and go. Counters start at 0, so the
cumulative ratio at any time is the exact ratio of sums since the start.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from alerts.promtool.model import SeriesValues

__all__ = ["HOURS", "PHASES", "PHASE_MINUTES", "input_series"]

PHASES = 13
PHASE_MINUTES = 360
HOURS = PHASES * PHASE_MINUTES // 60


def _per_phase(busy: float, quiet: float, **phase: float) -> list[float]:
    """One value per phase: ``busy`` in even phases, ``quiet`` in odd ones, ``p<N>`` overriding phase N."""
    values = [busy if index % 2 == 0 else quiet for index in range(PHASES)]
    for key, value in phase.items():
        values[int(key.removeprefix("p"))] = value
    return values


def _counter(per_minute: Sequence[float]) -> str:
    """A counter from 0 growing by ``per_minute[p]`` each minute of phase ``p``."""
    values = SeriesValues().hold(0, 1)
    for rate in per_minute:
        values.grow(int(rate), PHASE_MINUTES)
    return values.render()


def _gauge(levels: Sequence[float | None]) -> str:
    """A gauge holding ``levels[p]`` through phase ``p``; ``None`` leaves the phase without samples."""
    values = SeriesValues()
    for index, level in enumerate(levels):
        samples = PHASE_MINUTES + (1 if index == 0 else 0)
        if level is None:
            values.gap(samples)
        else:
            values.hold(Decimal(str(level)), samples)
    return values.render()


Series = tuple[str, str]


def _series(
    metric: str, make: Callable[[Sequence[float]], str], rows: list[tuple[str, list[float]]]
) -> list[Series]:
    return [(f"{metric}{{{labels}}}", make(values)) for labels, values in rows]


def _http() -> list[Series]:
    rows = [
        ('job="myservice", pod="a", code="200"', _per_phase(600, 60)),
        ('job="myservice", pod="a", code="404"', _per_phase(30, 3)),
        ('job="myservice", pod="a", code="500"', _per_phase(1, 6)),
        ('job="myservice", pod="b", code="200"', _per_phase(40, 4)),
        ('job="myservice", pod="b", code="429"', _per_phase(2, 0)),
        ('job="myservice", pod="b", code="503"', _per_phase(0, 0, p7=20)),
        ('job="other", pod="c", code="500"', _per_phase(200, 200)),
        ('job="myapp", pod="d", code="200"', _per_phase(900, 90)),
        ('job="myapp", pod="d", code="500"', _per_phase(0, 2, p3=30)),
        ('job="myapp", pod="e", code="200"', _per_phase(10, 10)),
        ('job="myapp", pod="e", code="429"', _per_phase(1, 0)),
    ]
    return _series("http_request_duration_seconds_count", _counter, rows)


def _apiserver() -> list[Series]:
    requests = [
        ('instance="i1", verb="GET", code="200"', _per_phase(300, 30)),
        ('instance="i1", verb="LIST", code="200"', _per_phase(50, 50)),
        ('instance="i1", verb="GET", code="500"', _per_phase(0, 3)),
        ('instance="i2", verb="GET", code="200"', _per_phase(20, 20)),
        ('instance="i2", verb="GET", code="429"', _per_phase(5, 0)),
        ('instance="i2", verb="POST", code="504"', _per_phase(0, 0, p9=10)),
    ]
    counts = [
        ('instance="i1", verb="GET"', _per_phase(320, 33)),
        ('instance="i1", verb="WATCH"', _per_phase(10, 10)),
        ('instance="i2", verb="LIST"', _per_phase(50, 50)),
    ]
    fast = [
        ('instance="i1", verb="GET", le="0.4"', _per_phase(318, 30)),
        ('instance="i1", verb="WATCH", le="0.4"', _per_phase(2, 2)),
        ('instance="i2", verb="LIST", le="0.4"', _per_phase(45, 50, p5=10)),
        ('instance="i1", verb="GET", le="+Inf"', _per_phase(320, 33)),
        ('instance="i2", verb="LIST", le="+Inf"', _per_phase(50, 50)),
    ]
    return (
        _series("apiserver_request_total", _counter, requests)
        + _series("apiserver_request_duration_seconds_count", _counter, counts)
        + _series("apiserver_request_duration_seconds_bucket", _counter, fast)
    )


def _wifi() -> list[Series]:
    absent_late: list[float | None] = [0.7] * 6 + [None] * (PHASES - 6)
    levels: list[tuple[str, list[float | None]]] = [
        ('client="c1"', [0.9] * PHASES),
        ('client="c2"', list(_per_phase(0.6, 0.95))),
        ('client="c3"', list(_per_phase(0.8, 0.8, p4=0.4))),
        ('client="c4"', absent_late),
    ]
    return [
        (f"unifipoller_client_satisfaction_ratio{{{labels}}}", _gauge(values)) for labels, values in levels
    ]


def input_series() -> list[dict[str, str]]:
    """Every series, as promtool ``input_series`` entries."""
    return [{"series": name, "values": values} for name, values in _http() + _apiserver() + _wifi()]

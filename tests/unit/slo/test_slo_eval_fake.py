"""A table-driven Prometheus for evaluation tests: values per expression, answering batched queries too.

``TablePrometheus`` wraps :class:`FakePrometheus`: an expression's rendered text maps to samples. A
plain query of a known text is answered directly; a batched query (``label_replace(<text>,
"servescale_probe", "<tag>", "", "") or ...``) is answered for every known text it contains, with the
tag label added, which is what Prometheus does with such a query. Unknown texts have no data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

import pytest

from metrics_adapter.promql import (
    Expr,
    FakePrometheus,
    InstantVector,
    Labels,
    PrometheusQueryError,
    RecordedQuery,
    Sample,
    Selector,
    sum_by,
)
from slo.evaluation.batch import PROBE_LABEL, BatchSettings, ProbeRunner, batched_query
from slo.evaluation.plan import Part, Probe, ProbeKey

Rows = Iterable[tuple[Mapping[str, str], float]]
_TAG = re.compile(r'^, "' + PROBE_LABEL + r'", "([^"]+)", "", ""\)')


class TablePrometheus(FakePrometheus):
    def __init__(self, broken: str | None = None) -> None:
        super().__init__(strict=False)
        self.table: dict[str, list[tuple[Labels, float]]] = {}
        self.broken = broken
        self.on_any_query(self._from_table)

    def set(self, expr: Expr | str, value: float | None = None, *, rows: Rows = ()) -> None:
        """Program ``expr``: one unlabelled sample ``value``, or labelled ``rows``."""
        text = expr if isinstance(expr, str) else expr.render()
        samples = [(Labels(labels), val) for labels, val in rows]
        if value is not None:
            samples.append((Labels(), value))
        self.table[text] = samples

    def _from_table(self, recorded: RecordedQuery) -> InstantVector:
        text, at = recorded.expr, recorded.at or 0.0
        if self.broken is not None and self.broken in text:
            raise PrometheusQueryError("parse error: unknown function", error_type="bad_data", query=text)
        if text in self.table:
            return InstantVector(tuple(Sample(labels, at, value) for labels, value in self.table[text]))
        found: list[Sample] = []
        for known, rows in self.table.items():
            for start in _occurrences(text, f"label_replace({known}"):
                match = _TAG.match(text[start + len(f"label_replace({known}") :])
                if match is None:
                    continue
                for labels, value in rows:
                    found.append(Sample(Labels({**labels, PROBE_LABEL: match.group(1)}), at, value))
        return InstantVector(tuple(found))


def _occurrences(text: str, needle: str) -> list[int]:
    return [match.start() for match in re.finditer(re.escape(needle), text)]


AT = datetime(2026, 10, 11, tzinfo=UTC)
A = sum_by(Selector("a_total"))
B = sum_by(Selector("b_total"))


@pytest.mark.parametrize("batch_size", [pytest.param(1, id="one-by-one"), pytest.param(10, id="batched")])
async def test_table_answers_plain_and_batched_queries(batch_size: int) -> None:
    prometheus = TablePrometheus()
    prometheus.set(A, 3.0)
    prometheus.set(B, rows=[({"model": "x"}, 1.0), ({"model": "y"}, 2.0)])
    probes = [Probe(ProbeKey(0, 60, Part.TOTAL), A), Probe(ProbeKey(1, 60, Part.TOTAL), B)]
    results = await ProbeRunner(prometheus, BatchSettings(batch_size=batch_size)).run(probes, at=AT)
    assert [s.value for s in results.samples[probes[0].key]] == [3.0]
    assert sorted((s.labels["model"], s.value) for s in results.samples[probes[1].key]) == [
        ("x", 1.0),
        ("y", 2.0),
    ]
    assert results.queries == (2 if batch_size == 1 else 1)
    assert all(query.at == AT.timestamp() for query in prometheus.queries)


def test_batched_query_tags_each_probe() -> None:
    probes = [Probe(ProbeKey(0, 60, Part.TOTAL), A), Probe(ProbeKey(1, 300, Part.NUMERATOR), B)]
    text = batched_query(probes).render()
    assert text.count(" or ") == 1
    assert f'"{PROBE_LABEL}", "0/60/t"' in text
    assert f'"{PROBE_LABEL}", "1/300/n"' in text


async def test_a_rejected_batch_is_split_until_the_broken_probe_is_alone() -> None:
    prometheus = TablePrometheus(broken="broken_total")
    prometheus.set(A, 1.0)
    bad = sum_by(Selector("broken_total"))
    probes = [Probe(ProbeKey(i, 60, Part.TOTAL), A) for i in range(7)]
    probes.append(Probe(ProbeKey(7, 60, Part.TOTAL), bad))
    results = await ProbeRunner(prometheus, BatchSettings(batch_size=8)).run(probes, at=AT)
    assert set(results.errors) == {ProbeKey(7, 60, Part.TOTAL)}
    assert all([s.value for s in results.samples[ProbeKey(i, 60, Part.TOTAL)]] == [1.0] for i in range(7))
    assert 1 < results.queries <= 1 + 2 * 3  # the first query, then at most two per halving level

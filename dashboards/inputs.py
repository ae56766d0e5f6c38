"""What the boards are generated from: the metric catalogue, the SLO specs and the GPU prices.

The same catalogue the service serves from, the same SLOs the rules page on: a panel cannot drift
from what an HPA scales on or what alerts. Prices are per GPU-hour by GPU model name as DCGM
reports it in ``modelName`` (a key matches when it is contained in the name, case-insensitively:
``A100`` prices every ``NVIDIA A100-SXM4-80GB``).

Knows the catalogue and SLO models; nothing about Grafana.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from metrics_adapter.catalogue import Catalogue, default_catalogue
from slo.spec import SLO

__all__ = ["BoardInputs", "parse_gpu_prices"]


@dataclass(frozen=True)
class BoardInputs:
    catalogue: Catalogue = field(default_factory=default_catalogue)
    slos: Sequence[SLO] = ()
    gpu_prices: Mapping[str, Decimal] = field(default_factory=dict)


def parse_gpu_prices(text: str) -> dict[str, Decimal]:
    """``A100=2.9,H100=4.5`` -> prices per GPU-hour; raises ``ValueError`` naming the bad entry."""
    prices: dict[str, Decimal] = {}
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        name, sep, value = entry.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--gpu-price entry {entry!r}: write MODEL=PRICE, e.g. A100=2.9")
        try:
            price = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"--gpu-price entry {entry!r}: {value.strip()!r} is not a number") from None
        if not price.is_finite() or price < 0:
            raise ValueError(f"--gpu-price entry {entry!r}: the price must be a finite number >= 0")
        if name.strip() in prices:
            raise ValueError(f"--gpu-price: {name.strip()!r} is given twice")
        prices[name.strip()] = price
    return prices

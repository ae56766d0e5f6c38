"""The TTL cache with single flight: one load per key per TTL, failures never cached."""

from __future__ import annotations

import asyncio

import pytest

from metrics_adapter.query_cache import CoalescingCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_concurrent_identical_requests_share_one_load() -> None:
    clock = Clock()
    cache: CoalescingCache[int] = CoalescingCache(ttl=5, clock=clock)
    calls = 0
    gate = asyncio.Event()

    async def load() -> int:
        nonlocal calls
        calls += 1
        await gate.wait()
        return 42

    tasks = [asyncio.create_task(cache.get("q", load)) for _ in range(100)]
    await asyncio.sleep(0)
    gate.set()
    outcomes = await asyncio.gather(*tasks)
    assert calls == 1
    assert {o.value for o in outcomes} == {42}
    assert sorted(o.source for o in outcomes).count("coalesced") == 99


async def test_value_served_from_cache_until_ttl_then_reloaded() -> None:
    clock = Clock()
    cache: CoalescingCache[int] = CoalescingCache(ttl=5, clock=clock)
    values = iter([1, 2])

    async def load() -> int:
        return next(values)

    assert (await cache.get("q", load)).source == "miss"
    clock.now += 4.9
    hit = await cache.get("q", load)
    assert (hit.value, hit.source) == (1, "hit")
    clock.now += 0.2
    assert (await cache.get("q", load)).value == 2


async def test_failures_are_not_cached_and_reach_every_waiter() -> None:
    clock = Clock()
    cache: CoalescingCache[int] = CoalescingCache(ttl=5, clock=clock)
    gate = asyncio.Event()
    attempts = 0

    async def failing() -> int:
        nonlocal attempts
        attempts += 1
        await gate.wait()
        raise ConnectionError("down")

    tasks = [asyncio.create_task(cache.get("q", failing)) for _ in range(3)]
    await asyncio.sleep(0)
    gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(r, ConnectionError) for r in results)
    assert attempts == 1

    async def healthy() -> int:
        return 7

    assert (await cache.get("q", healthy)).value == 7


async def test_different_keys_do_not_share() -> None:
    cache: CoalescingCache[str] = CoalescingCache(ttl=5, clock=Clock())

    async def load_a() -> str:
        return "a"

    async def load_b() -> str:
        return "b"

    assert (await cache.get("a", load_a)).value == "a"
    assert (await cache.get("b", load_b)).value == "b"


def test_negative_ttl_is_refused() -> None:
    with pytest.raises(ValueError, match="ttl"):
        CoalescingCache(ttl=-1, clock=Clock())

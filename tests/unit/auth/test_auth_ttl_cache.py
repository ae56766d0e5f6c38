"""The review cache: per-value TTL, single flight, failures never cached, bounded size."""

from __future__ import annotations

import asyncio

import pytest

from metrics_adapter.auth.ttl_cache import TtlCache


class ManualClock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def by_sign(value: int) -> float:
    return 10.0 if value > 0 else 2.0


async def test_ttl_depends_on_the_value() -> None:
    clock = ManualClock()
    cache: TtlCache[int] = TtlCache(ttl_for=by_sign, clock=clock)
    loads: list[str] = []

    async def load(key: str, value: int) -> int:
        loads.append(key)
        return value

    await cache.get_or_load("pos", lambda: load("pos", 1))
    await cache.get_or_load("neg", lambda: load("neg", -1))
    clock.now += 2.0
    await cache.get_or_load("pos", lambda: load("pos", 1))
    await cache.get_or_load("neg", lambda: load("neg", -1))
    assert loads == ["pos", "neg", "neg"]
    clock.now += 8.0
    await cache.get_or_load("pos", lambda: load("pos", 1))
    assert loads == ["pos", "neg", "neg", "pos"]


async def test_concurrent_lookups_share_one_load() -> None:
    cache: TtlCache[int] = TtlCache(ttl_for=by_sign, clock=ManualClock())
    gate = asyncio.Event()
    calls = 0

    async def load() -> int:
        nonlocal calls
        calls += 1
        await gate.wait()
        return 7

    tasks = [asyncio.create_task(cache.get_or_load("k", load)) for _ in range(5)]
    await asyncio.sleep(0)
    gate.set()
    assert await asyncio.gather(*tasks) == [7] * 5
    assert calls == 1


async def test_failures_reach_every_waiter_and_are_not_cached() -> None:
    cache: TtlCache[int] = TtlCache(ttl_for=by_sign, clock=ManualClock())
    gate = asyncio.Event()

    async def failing() -> int:
        await gate.wait()
        raise RuntimeError("down")

    tasks = [asyncio.create_task(cache.get_or_load("k", failing)) for _ in range(3)]
    await asyncio.sleep(0)
    gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)

    async def working() -> int:
        return 3

    assert await cache.get_or_load("k", working) == 3


async def test_waiters_load_again_when_the_loading_caller_is_cancelled() -> None:
    cache: TtlCache[int] = TtlCache(ttl_for=by_sign, clock=ManualClock())
    never = asyncio.Event()

    async def hangs() -> int:
        await never.wait()
        return 1

    async def quick() -> int:
        return 2

    loader = asyncio.create_task(cache.get_or_load("k", hangs))
    await asyncio.sleep(0)
    waiter = asyncio.create_task(cache.get_or_load("k", quick))
    await asyncio.sleep(0)
    loader.cancel()
    assert await waiter == 2
    assert loader.cancelled()


async def test_zero_ttl_values_are_not_stored() -> None:
    cache: TtlCache[int] = TtlCache(ttl_for=lambda v: 0.0, clock=ManualClock())

    async def load() -> int:
        return 1

    await cache.get_or_load("k", load)
    assert len(cache) == 0


async def test_size_is_bounded_dropping_expired_then_oldest() -> None:
    clock = ManualClock()
    cache: TtlCache[int] = TtlCache(ttl_for=by_sign, clock=clock, max_entries=2)

    async def value(v: int) -> int:
        return v

    await cache.get_or_load("short", lambda: value(-1))
    await cache.get_or_load("long", lambda: value(1))
    clock.now += 3  # "short" expired
    await cache.get_or_load("new", lambda: value(2))
    assert (cache.peek("long"), cache.peek("new"), len(cache)) == (1, 2, 2)
    await cache.get_or_load("newer", lambda: value(3))
    assert (cache.peek("long"), cache.peek("newer"), len(cache)) == (None, 3, 2)


def test_max_entries_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_entries"):
        TtlCache(ttl_for=by_sign, clock=ManualClock(), max_entries=0)

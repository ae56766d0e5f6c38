"""The TTL cache with single flight: per-value or fixed TTL, one load per key per TTL, hit/coalesced/miss
reported, failures never cached, cancelled loads retried by waiters, bounded size."""

from __future__ import annotations

import asyncio

import pytest

from metrics_adapter.ttl_cache import TtlCache


class ManualClock:
    def __init__(self, now: float = 50.0) -> None:
        self.now = now

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

    await cache.get("pos", lambda: load("pos", 1))
    await cache.get("neg", lambda: load("neg", -1))
    clock.now += 2.0
    await cache.get("pos", lambda: load("pos", 1))
    await cache.get("neg", lambda: load("neg", -1))
    assert loads == ["pos", "neg", "neg"]
    clock.now += 8.0
    await cache.get("pos", lambda: load("pos", 1))
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

    tasks = [asyncio.create_task(cache.get("k", load)) for _ in range(5)]
    await asyncio.sleep(0)
    gate.set()
    assert [outcome.value for outcome in await asyncio.gather(*tasks)] == [7] * 5
    assert calls == 1


async def test_failures_reach_every_waiter_and_are_not_cached() -> None:
    cache: TtlCache[int] = TtlCache(ttl_for=by_sign, clock=ManualClock())
    gate = asyncio.Event()

    async def failing() -> int:
        await gate.wait()
        raise RuntimeError("down")

    tasks = [asyncio.create_task(cache.get("k", failing)) for _ in range(3)]
    await asyncio.sleep(0)
    gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)

    async def working() -> int:
        return 3

    assert (await cache.get("k", working)).value == 3


async def test_waiters_load_again_when_the_loading_caller_is_cancelled() -> None:
    cache: TtlCache[int] = TtlCache(ttl_for=by_sign, clock=ManualClock())
    never = asyncio.Event()

    async def hangs() -> int:
        await never.wait()
        return 1

    async def quick() -> int:
        return 2

    loader = asyncio.create_task(cache.get("k", hangs))
    await asyncio.sleep(0)
    waiter = asyncio.create_task(cache.get("k", quick))
    await asyncio.sleep(0)
    loader.cancel()
    assert (await waiter).value == 2
    assert loader.cancelled()


async def test_zero_ttl_values_are_not_stored() -> None:
    cache: TtlCache[int] = TtlCache(ttl_for=lambda v: 0.0, clock=ManualClock())

    async def load() -> int:
        return 1

    await cache.get("k", load)
    assert len(cache) == 0


async def test_size_is_bounded_dropping_expired_then_oldest() -> None:
    clock = ManualClock()
    cache: TtlCache[int] = TtlCache(ttl_for=by_sign, clock=clock, max_entries=2)

    async def value(v: int) -> int:
        return v

    await cache.get("short", lambda: value(-1))
    await cache.get("long", lambda: value(1))
    clock.now += 3  # "short" expired
    await cache.get("new", lambda: value(2))
    assert (cache.peek("long"), cache.peek("new"), len(cache)) == (1, 2, 2)
    await cache.get("newer", lambda: value(3))
    assert (cache.peek("long"), cache.peek("newer"), len(cache)) == (None, 3, 2)


def test_max_entries_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_entries"):
        TtlCache(ttl_for=by_sign, clock=ManualClock(), max_entries=0)


async def test_concurrent_identical_requests_share_one_load() -> None:
    clock = ManualClock(1000.0)
    cache: TtlCache[int] = TtlCache.fixed(5, clock=clock)
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
    clock = ManualClock(1000.0)
    cache: TtlCache[int] = TtlCache.fixed(5, clock=clock)
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
    clock = ManualClock(1000.0)
    cache: TtlCache[int] = TtlCache.fixed(5, clock=clock)
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
    cache: TtlCache[str] = TtlCache.fixed(5, clock=ManualClock(1000.0))

    async def load_a() -> str:
        return "a"

    async def load_b() -> str:
        return "b"

    assert (await cache.get("a", load_a)).value == "a"
    assert (await cache.get("b", load_b)).value == "b"


def test_negative_ttl_is_refused() -> None:
    with pytest.raises(ValueError, match="ttl"):
        TtlCache.fixed(-1, clock=ManualClock(1000.0))

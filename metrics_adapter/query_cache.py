"""A short-TTL cache with coalescing of identical in-flight queries (single flight).

Many HPAs share one metric: within one TTL they must cost one Prometheus query, and
concurrent identical requests must wait on the query already running rather than start
their own. Failures are never cached: the next caller tries again, so answers come back
within one TTL after the upstream recovers. Knows nothing about PromQL or HTTP.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class CacheOutcome(Generic[T]):
    """A value and how it was obtained: ``hit`` (cached), ``coalesced`` (joined a running query)."""

    value: T
    source: str


class CoalescingCache(Generic[T]):
    """Caches successful results for ``ttl`` seconds, keyed by any hashable key."""

    def __init__(self, *, ttl: float, clock: Callable[[], float], max_entries: int = 10_000) -> None:
        if ttl < 0:
            raise ValueError("ttl must be >= 0")
        self._ttl = ttl
        self._clock = clock
        self._max_entries = max_entries
        self._values: dict[Hashable, tuple[float, T]] = {}
        self._inflight: dict[Hashable, asyncio.Future[T]] = {}

    def __len__(self) -> int:
        return len(self._values)

    async def get(self, key: Hashable, load: Callable[[], Awaitable[T]]) -> CacheOutcome[T]:
        now = self._clock()
        cached = self._values.get(key)
        if cached is not None and now - cached[0] < self._ttl:
            return CacheOutcome(cached[1], "hit")
        running = self._inflight.get(key)
        if running is not None:
            return CacheOutcome(await asyncio.shield(running), "coalesced")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            value = await load()
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:
            future.set_exception(exc)
            # Retrieve it so an unawaited future does not log "exception never retrieved".
            future.exception()
            raise
        else:
            future.set_result(value)
            self._store(key, value)
            return CacheOutcome(value, "miss")
        finally:
            self._inflight.pop(key, None)

    def _store(self, key: Hashable, value: T) -> None:
        now = self._clock()
        if len(self._values) >= self._max_entries:
            expired = [k for k, (t, _) in self._values.items() if now - t >= self._ttl]
            for k in expired:
                del self._values[k]
            if len(self._values) >= self._max_entries:
                del self._values[next(iter(self._values))]
        self._values[key] = (now, value)

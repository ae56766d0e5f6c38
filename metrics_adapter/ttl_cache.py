"""An async TTL cache with single flight: one load per key per TTL, failures never cached, bounded.

Many HPAs share one metric, and one client sends the same token and request attributes again and
again: within a TTL such lookups must cost one Prometheus query or one TokenReview /
SubjectAccessReview, and concurrent identical lookups must wait on the load already running
rather than start their own. The TTL may depend on the value (allowed and denied review answers
live for different times, as in Kubernetes' webhook clients); a TTL of 0 stores nothing. Failures
are never cached, so answers come back within one TTL after the upstream recovers. A waiter whose
loading caller was cancelled loads again rather than failing. The clock is injected (monotonic
seconds), so tests advance time without sleeping.

Knows nothing about PromQL, reviews or HTTP.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

__all__ = ["CacheOutcome", "CacheSource", "TtlCache"]

V = TypeVar("V")

CacheSource = Literal["hit", "coalesced", "miss"]


@dataclass(frozen=True)
class CacheOutcome(Generic[V]):
    """A value and how it was obtained: ``hit`` (cached), ``coalesced`` (joined a running load), ``miss``."""

    value: V
    source: CacheSource


class TtlCache(Generic[V]):
    """Maps hashable keys to values that expire ``ttl_for(value)`` seconds after they were loaded."""

    def __init__(
        self, *, ttl_for: Callable[[V], float], clock: Callable[[], float], max_entries: int = 10_000
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be >= 1")
        self._ttl_for = ttl_for
        self._clock = clock
        self._max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, V]] = {}
        self._inflight: dict[Hashable, asyncio.Future[V]] = {}

    @classmethod
    def fixed(cls, ttl: float, *, clock: Callable[[], float], max_entries: int = 10_000) -> TtlCache[V]:
        """A cache whose values all live ``ttl`` seconds."""
        if ttl < 0:
            raise ValueError("ttl must be >= 0")
        return cls(ttl_for=lambda _: ttl, clock=clock, max_entries=max_entries)

    def __len__(self) -> int:
        return len(self._entries)

    def peek(self, key: Hashable) -> V | None:
        """The cached, unexpired value for ``key``, or ``None``."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires_at, value = entry
        if self._clock() >= expires_at:
            del self._entries[key]
            return None
        return value

    async def get(self, key: Hashable, load: Callable[[], Awaitable[V]]) -> CacheOutcome[V]:
        """The value for ``key``: cached, from the load already running, or from ``load()``."""
        cached = self.peek(key)
        if cached is not None:
            return CacheOutcome(cached, "hit")
        running = self._inflight.get(key)
        if running is not None:
            try:
                return CacheOutcome(await asyncio.shield(running), "coalesced")
            except asyncio.CancelledError:
                # The loading caller was cancelled, not us: load again instead of failing.
                task = asyncio.current_task()
                if running.cancelled() and task is not None and not task.cancelling():
                    return await self.get(key, load)
                raise
        future: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            value = await load()
        except BaseException as exc:
            if isinstance(exc, asyncio.CancelledError):
                future.cancel()
            else:
                future.set_exception(exc)
                future.exception()  # mark retrieved: nobody may be waiting on it
            raise
        finally:
            self._inflight.pop(key, None)
        future.set_result(value)
        self._store(key, value)
        return CacheOutcome(value, "miss")

    def _store(self, key: Hashable, value: V) -> None:
        ttl = self._ttl_for(value)
        if ttl <= 0:
            return
        now = self._clock()
        if key not in self._entries and len(self._entries) >= self._max_entries:
            for stale in [k for k, (expires_at, _) in self._entries.items() if now >= expires_at]:
                del self._entries[stale]
            if len(self._entries) >= self._max_entries:
                del self._entries[next(iter(self._entries))]
        self._entries[key] = (now + ttl, value)

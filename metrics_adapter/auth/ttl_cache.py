"""A small async cache for review answers: per-entry TTL, single flight, bounded size.

TokenReview and SubjectAccessReview answers are cached like Kubernetes' webhook clients do:
allowed and denied answers may live for different TTLs (chosen from the value), errors are never
cached, and concurrent lookups of the same key share one in-flight request. The clock is injected
(monotonic seconds), so tests advance time without sleeping. Knows nothing about reviews.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["TtlCache"]

V = TypeVar("V")


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

    async def get_or_load(self, key: Hashable, load: Callable[[], Awaitable[V]]) -> V:
        cached = self.peek(key)
        if cached is not None:
            return cached
        running = self._inflight.get(key)
        if running is not None:
            try:
                return await asyncio.shield(running)
            except asyncio.CancelledError:
                # The loading caller was cancelled, not us: load again instead of failing.
                task = asyncio.current_task()
                if running.cancelled() and task is not None and not task.cancelling():
                    return await self.get_or_load(key, load)
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
        return value

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

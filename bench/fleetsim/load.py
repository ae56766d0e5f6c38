"""A bounded, open-loop load generator: each HPA's request at its own phase of a fixed cadence.

Every ``cadence`` seconds each path is requested once, at ``phase = i * cadence / n``, whether or
not earlier requests have answered (the HPA controller does not wait either), with at most
``max_in_flight`` requests outstanding and loopback targets only. Paths are spread over the
adapter processes as a Service spreads connections. Latency is from send to the last byte.

The client is a minimal HTTP/1.1 keep-alive client on asyncio streams, not httpx: on a 2-core
machine the generator must cost far less CPU than the server it measures.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Window:
    """What happened in one reporting window."""

    latencies: list[float] = field(default_factory=list)
    codes: Counter[str] = field(default_factory=Counter)
    skipped: int = 0

    @property
    def count(self) -> int:
        return sum(self.codes.values())


class LoadGenerator:
    def __init__(
        self, targets: list[str], paths: list[str], *, cadence: float = 15.0, max_in_flight: int = 256
    ) -> None:
        for target in targets:
            if urlsplit(target).hostname not in ("127.0.0.1", "localhost", "::1"):
                raise ValueError(f"load goes to loopback only, not {target}")
        self._targets = targets
        self._paths = paths
        self._cadence = cadence
        self._connections = max(1, min(64, max_in_flight // len(targets)))
        self._slots = asyncio.Semaphore(max_in_flight)
        self.window = Window()
        self.total = Window()

    def roll(self) -> Window:
        window, self.window = self.window, Window()
        return window

    async def _one(self, pool: asyncio.Queue[_Connection], path: str) -> None:
        if self._slots.locked():
            self.window.skipped += 1
            self.total.skipped += 1
            return
        async with self._slots:
            connection = await pool.get()
            started = time.perf_counter()
            try:
                code = str(await asyncio.wait_for(connection.get(path), timeout=10))
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
                code = type(exc).__name__
                connection.close()
            finally:
                pool.put_nowait(connection)
            elapsed = time.perf_counter() - started
        for window in (self.window, self.total):
            window.codes[code] += 1
            window.latencies.append(elapsed)

    async def run(self, duration: float) -> None:
        pools: list[asyncio.Queue[_Connection]] = []
        for target in self._targets:
            pool: asyncio.Queue[_Connection] = asyncio.LifoQueue()
            parts = urlsplit(target)
            for _ in range(self._connections):
                pool.put_nowait(_Connection(parts.hostname or "127.0.0.1", parts.port or 80))
            pools.append(pool)
        tasks: set[asyncio.Task[None]] = set()
        start = time.monotonic()
        n = len(self._paths)
        i = 0
        try:
            while True:
                due = start + i * self._cadence / n
                if due - start >= duration:
                    break
                delay = due - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                task = asyncio.create_task(self._one(pools[i % len(pools)], self._paths[i % n]))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                i += 1
            if tasks:
                await asyncio.wait(tasks, timeout=15)
        finally:
            for pool in pools:
                while not pool.empty():
                    pool.get_nowait().close()


class _Connection:
    """One keep-alive HTTP/1.1 connection, (re)opened on demand; GET only, Content-Length bodies."""

    def __init__(self, host: str, port: int) -> None:
        self._host, self._port = host, port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        """One GET; a kept-alive connection the server has closed meanwhile is reopened once."""
        reused = self._writer is not None
        try:
            return await self._get(path)
        except (asyncio.IncompleteReadError, ConnectionResetError, BrokenPipeError):
            self.close()
            if not reused:
                raise
            return await self._get(path)

    async def _get(self, path: str) -> int:
        if self._writer is None or self._reader is None:
            self._reader, self._writer = await asyncio.open_connection(self._host, self._port)
        self._writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {self._host}\r\nAccept: application/json\r\n\r\n".encode()
        )
        head = await self._reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        code = int(lines[0].split(b" ", 2)[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
            elif name.strip().lower() == b"connection" and value.strip().lower() == b"close":
                self.close()
        if self._reader is not None:
            await self._reader.readexactly(length)
        return code

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None

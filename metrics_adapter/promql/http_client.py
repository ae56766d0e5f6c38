"""``HttpPrometheusClient``: the :class:`PrometheusClient` protocol over Prometheus's HTTP API with httpx.

Sends GET, or form-encoded POST for long queries (or always, per config), passes the query
``timeout``, and translates every failure once into the :mod:`.errors` hierarchy:

* transport errors -> :class:`PrometheusUnavailableError`; client timeouts and
  ``errorType: timeout`` -> :class:`PrometheusTimeoutError`;
* 5xx and 429 (including 503 "not ready") -> unavailable; after a 429 with ``Retry-After``
  (seconds or an HTTP date), calls fail fast as unavailable until then, capped by the config;
* other 4xx (400 ``bad_data``, 422 ``execution``) and ``status: error`` -> :class:`PrometheusQueryError`;
* a body that is not the documented JSON -> :class:`PrometheusResponseError`.

Knows the wire format (via :mod:`.wire`) and the config; nothing about who asks or why.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlencode

import httpx

from .client import QueryInput, TimeInput, render_query, to_seconds, to_unix_seconds
from .config import PrometheusConfig, RequestMethod
from .duration import Duration
from .errors import (
    PrometheusError,
    PrometheusQueryError,
    PrometheusResponseError,
    PrometheusTimeoutError,
    PrometheusUnavailableError,
)
from .labels import Labels
from .result import InstantVector, Matrix, Scalar
from .wire import parse_envelope, parse_query_data, parse_series_data

__all__ = ["HttpPrometheusClient"]

_Params = list[tuple[str, str]]
# Above these sizes, decoding moves off the event loop (see _parse_off_loop).
_LARGE_BODY_BYTES = 1 << 20
_LARGE_RESULT_ITEMS = 2000


def _format_seconds(value: float) -> str:
    return repr(float(value))


class HttpPrometheusClient:
    """Async Prometheus client. Pass ``http_client`` to share a pool or to test with a mock transport;
    otherwise the client creates one and closes it in :meth:`aclose`."""

    def __init__(
        self,
        config: PrometheusConfig,
        *,
        http_client: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._config = config
        self._clock = clock
        self._retry_after = 0.0
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.AsyncClient(verify=config.verify_tls)
        self._headers = [("Accept", "application/json"), *config.request_headers()]
        self._timeout = httpx.Timeout(config.timeout_seconds + config.http_grace_seconds)

    @property
    def config(self) -> PrometheusConfig:
        return self._config

    async def query(self, expr: QueryInput, *, at: TimeInput | None = None) -> InstantVector | Scalar:
        text = render_query(expr)
        params: _Params = [("query", text)]
        if at is not None:
            params.append(("time", _format_seconds(to_unix_seconds(at))))
        params.append(("timeout", _format_seconds(self._config.timeout_seconds)))
        data, warnings = await self._call("query", params, query=text)
        result = await self._parse_off_loop(data, warnings, query=text)
        if isinstance(result, Matrix):
            raise PrometheusResponseError(
                "instant query returned a range vector; use query_range or a range function", query=text
            )
        return result

    async def query_range(
        self, expr: QueryInput, *, start: TimeInput, end: TimeInput, step: float | Duration
    ) -> Matrix:
        text = render_query(expr)
        start_s, end_s, step_s = to_unix_seconds(start), to_unix_seconds(end), to_seconds(step)
        if end_s < start_s:
            raise ValueError(f"range end {end_s} is before start {start_s}")
        params: _Params = [
            ("query", text),
            ("start", _format_seconds(start_s)),
            ("end", _format_seconds(end_s)),
            ("step", _format_seconds(step_s)),
            ("timeout", _format_seconds(self._config.timeout_seconds)),
        ]
        data, warnings = await self._call("query_range", params, query=text)
        result = await self._parse_off_loop(data, warnings, query=text)
        if not isinstance(result, Matrix):
            raise PrometheusResponseError(f"range query returned a {type(result).__name__}", query=text)
        return result

    async def series(
        self, *selectors: QueryInput, start: TimeInput | None = None, end: TimeInput | None = None
    ) -> list[Labels]:
        if not selectors:
            raise ValueError("series() needs at least one selector")
        texts = [render_query(selector) for selector in selectors]
        params: _Params = [("match[]", text) for text in texts]
        if start is not None:
            params.append(("start", _format_seconds(to_unix_seconds(start))))
        if end is not None:
            params.append(("end", _format_seconds(to_unix_seconds(end))))
        query = ", ".join(texts)
        data, _ = await self._call("series", params, query=query)
        try:
            return parse_series_data(data)
        except PrometheusResponseError as exc:
            raise PrometheusResponseError(exc.message, query=query) from exc

    async def aclose(self) -> None:
        """Close the HTTP client if this object created it."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    def _uses_post(self, params: _Params) -> bool:
        method = self._config.method
        if method is RequestMethod.AUTO:
            return len(urlencode(params)) > self._config.post_threshold_bytes
        return method is RequestMethod.POST

    async def _call(self, endpoint: str, params: _Params, *, query: str) -> tuple[Any, tuple[str, ...]]:
        url = self._config.api_url + endpoint
        wait = self._retry_after - self._clock()
        if wait > 0:
            raise PrometheusUnavailableError(
                f"rate-limited by {url} (429): not asking again for {wait:.1f}s", status_code=429, query=query
            )
        try:
            if self._uses_post(params):
                response = await self._http.post(
                    url,
                    content=urlencode(params).encode("ascii"),
                    headers=[*self._headers, ("Content-Type", "application/x-www-form-urlencoded")],
                    timeout=self._timeout,
                )
            else:
                response = await self._http.get(
                    url, params=tuple(params), headers=self._headers, timeout=self._timeout
                )
        except httpx.TimeoutException as exc:
            raise PrometheusTimeoutError(f"request to {url} timed out: {exc!r}", query=query) from exc
        except httpx.HTTPError as exc:
            raise PrometheusUnavailableError(
                f"cannot reach Prometheus at {url}: {exc!r}", query=query
            ) from exc
        if len(response.content) > _LARGE_BODY_BYTES:
            return await asyncio.to_thread(self._read, response, query=query)
        return self._read(response, query=query)

    def _read(self, response: httpx.Response, *, query: str) -> tuple[Any, tuple[str, ...]]:
        status = response.status_code
        if status == 429:
            delay = _retry_after_seconds(response.headers.get("Retry-After"), now=self._clock())
            self._retry_after = self._clock() + min(delay, self._config.max_retry_after_seconds)
        try:
            envelope = parse_envelope(response.content)
        except PrometheusResponseError as exc:
            if response.is_success:
                raise PrometheusResponseError(exc.message, status_code=status, query=query) from exc
            raise _status_error(status, None, None, response, query=query) from exc
        if response.is_success and envelope.status == "success":
            return envelope.data, envelope.warnings
        raise _status_error(status, envelope.error_type, envelope.error, response, query=query)

    async def _parse_off_loop(
        self, data: Any, warnings: tuple[str, ...], *, query: str
    ) -> InstantVector | Scalar | Matrix:
        """Large results (the pod cache's 10,000-series answers) are converted in a worker thread,
        so the event loop keeps answering small requests in between instead of stalling."""
        result = data.get("result") if isinstance(data, dict) else None
        if isinstance(result, list) and len(result) > _LARGE_RESULT_ITEMS:
            return await asyncio.to_thread(self._parse, data, warnings, query=query)
        return self._parse(data, warnings, query=query)

    def _parse(self, data: Any, warnings: tuple[str, ...], *, query: str) -> InstantVector | Scalar | Matrix:
        try:
            return parse_query_data(data, warnings=warnings)
        except PrometheusResponseError as exc:
            raise PrometheusResponseError(exc.message, query=query) from exc


def _retry_after_seconds(header: str | None, *, now: float) -> float:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date); 0 if absent or bad."""
    if not header:
        return 0.0
    text = header.strip()
    if text.isdigit():
        return float(text)
    try:
        return max(0.0, parsedate_to_datetime(text).timestamp() - now)
    except (TypeError, ValueError):
        return 0.0


def _status_error(
    status: int, error_type: str | None, error: str | None, response: httpx.Response, *, query: str
) -> PrometheusError:
    message = error or f"HTTP {status} {response.reason_phrase}: {response.text[:200]!r}"
    if error_type == "timeout":
        return PrometheusTimeoutError(message, status_code=status, query=query)
    if status >= 500 or status == 429:
        return PrometheusUnavailableError(message, status_code=status, query=query)
    if 400 <= status < 500 or response.is_success:
        return PrometheusQueryError(
            message, error_type=error_type or f"http_{status}", status_code=status, query=query
        )
    return PrometheusResponseError(f"unexpected HTTP status {status}", status_code=status, query=query)

"""Errors of the Prometheus query layer.

``PrometheusUnavailableError`` means "try again later" (connection refused, timeouts, 5xx, 429,
Prometheus not ready); ``PrometheusQueryError`` means the query itself was refused and retrying will
not help; ``PrometheusResponseError`` means the answer could not be understood. The client chains the
upstream exception (``raise ... from exc``). Knows nothing about HTTP libraries.
"""

from __future__ import annotations

__all__ = [
    "PrometheusError",
    "PrometheusQueryError",
    "PrometheusResponseError",
    "PrometheusTimeoutError",
    "PrometheusUnavailableError",
]


class PrometheusError(Exception):
    """Base of every error raised while querying Prometheus.

    ``status_code`` is the HTTP status when a response arrived, ``query`` the PromQL sent (if any).
    """

    def __init__(self, message: str, *, status_code: int | None = None, query: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.query = query


class PrometheusUnavailableError(PrometheusError):
    """Prometheus could not answer now: connection failure, 5xx, 429, or not ready (503)."""


class PrometheusTimeoutError(PrometheusUnavailableError):
    """The request or the query timed out (client timeout, or Prometheus ``errorType: timeout``)."""


class PrometheusQueryError(PrometheusError):
    """Prometheus refused the query (``status: error``, e.g. ``bad_data`` 400 or ``execution`` 422).

    ``error_type`` is Prometheus's ``errorType`` (``bad_data``, ``execution``, ...) or
    ``http_<status>`` when the body carried none.
    """

    def __init__(
        self,
        message: str,
        *,
        error_type: str,
        status_code: int | None = None,
        query: str | None = None,
    ) -> None:
        super().__init__(message, status_code=status_code, query=query)
        self.error_type = error_type


class PrometheusResponseError(PrometheusError):
    """The response body was not the JSON Prometheus's HTTP API documents."""

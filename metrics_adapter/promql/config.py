"""``PrometheusConfig``: where and how to reach a Prometheus-compatible query API.

A frozen value built by the composition root; this module reads no environment variables and
knows nothing about HTTP libraries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

__all__ = ["PrometheusConfig", "RequestMethod"]


class RequestMethod(StrEnum):
    """``auto`` uses GET unless the encoded parameters exceed ``post_threshold_bytes``, then POST."""

    AUTO = "auto"
    GET = "get"
    POST = "post"


@dataclass(frozen=True)
class PrometheusConfig:
    """Connection settings.

    ``base_url`` may carry a path prefix (``http://mimir/prometheus``); ``/api/v1/...`` is appended.
    ``timeout_seconds`` is sent to Prometheus as the query ``timeout``; the HTTP client waits
    ``http_grace_seconds`` longer so Prometheus's own, typed timeout error usually arrives first.
    ``tenant`` is sent in ``tenant_header`` (Mimir, Cortex, Thanos). After a 429, no request is
    sent for the ``Retry-After`` it names, at most ``max_retry_after_seconds``, so a rate-limited
    backend is not hammered and answers resume within that bound once it recovers. ``verify_tls`` is ``True``,
    ``False`` or the path of a CA bundle; it applies only to an HTTP client this package creates.
    """

    base_url: str
    timeout_seconds: float = 10.0
    http_grace_seconds: float = 1.0
    tenant: str | None = None
    tenant_header: str = "X-Scope-OrgID"
    bearer_token: str | None = field(default=None, repr=False)
    headers: tuple[tuple[str, str], ...] = ()
    verify_tls: bool | str = True
    method: RequestMethod = RequestMethod.AUTO
    post_threshold_bytes: int = 1500
    max_retry_after_seconds: float = 5.0

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise ValueError(f"base_url must be an http(s) URL without query or fragment: {self.base_url!r}")
        for name in ("timeout_seconds", "http_grace_seconds", "max_retry_after_seconds"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0 or (name == "timeout_seconds" and value == 0):
                raise ValueError(f"{name} must be a finite, positive number of seconds, got {value!r}")
        object.__setattr__(self, "method", RequestMethod(self.method))
        object.__setattr__(self, "headers", tuple((str(k), str(v)) for k, v in self.headers))
        if self.post_threshold_bytes < 0:
            raise ValueError("post_threshold_bytes must not be negative")
        names = [name.lower() for name, _ in self.request_headers()]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"headers set twice: {', '.join(duplicates)}")
        for name, value in self.request_headers():
            if any(char in name + value for char in "\r\n\0"):
                raise ValueError(f"header {name!r} contains a line break or NUL")

    @property
    def api_url(self) -> str:
        """The URL of the HTTP API root, ending in ``/api/v1/``."""
        return self.base_url.rstrip("/") + "/api/v1/"

    def request_headers(self) -> list[tuple[str, str]]:
        """Every header to send: the extra headers, then the tenant and bearer headers if set."""
        headers = list(self.headers)
        if self.tenant is not None:
            headers.append((self.tenant_header, self.tenant))
        if self.bearer_token is not None:
            headers.append(("Authorization", f"Bearer {self.bearer_token}"))
        return headers

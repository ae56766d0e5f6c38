"""Access to the Kubernetes API for TokenReview and SubjectAccessReview.

:class:`KubeApiConfig` holds the base URL, CA bundle and bearer token (literal or file). The
service account token file is re-read every minute because kubelet rotates projected tokens.
:meth:`KubeApiConfig.from_in_cluster` takes the host and port the caller read from
``KUBERNETES_SERVICE_HOST``/``_PORT`` and reads only the files whose paths it is given.

:class:`KubeReviewClient` POSTs a review object and returns the answer's JSON. Failure policy,
as documented for the HTTP edge: connection errors, timeouts, 429 and 5xx raise
:class:`AuthBackendUnavailable` (503, try again later); any other non-2xx status or an answer that
is not the expected kind raises :class:`AuthBackendError` (500: our RBAC or configuration is
wrong). Details are logged and chained, never put in the message.
"""

from __future__ import annotations

import ipaddress
import logging
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from .errors import AuthBackendError, AuthBackendUnavailable, AuthConfigError

__all__ = [
    "IN_CLUSTER_CA_FILE",
    "IN_CLUSTER_TOKEN_FILE",
    "KubeApiConfig",
    "KubeReviewClient",
    "TokenSource",
    "build_kube_http_client",
]

logger = logging.getLogger(__name__)

IN_CLUSTER_TOKEN_FILE = Path("/var/run/secrets/kubernetes.io/serviceaccount/token")
IN_CLUSTER_CA_FILE = Path("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt")
TOKEN_REFRESH_SECONDS = 60.0


@dataclass(frozen=True)
class KubeApiConfig:
    """Where the Kubernetes API is and how to authenticate to it."""

    base_url: str
    ca_file: Path | None = None
    token: str | None = field(default=None, repr=False)
    token_file: Path | None = None
    timeout_seconds: float = 10.0

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("https://", "http://")):
            raise AuthConfigError(f"Kubernetes API URL must be http(s)://..., got {self.base_url!r}")
        if self.token is not None and self.token_file is not None:
            raise AuthConfigError("give either a token or a token file, not both")

    @classmethod
    def from_in_cluster(
        cls,
        *,
        host: str,
        port: str | int,
        token_file: Path = IN_CLUSTER_TOKEN_FILE,
        ca_file: Path = IN_CLUSTER_CA_FILE,
    ) -> KubeApiConfig:
        """The in-cluster API: ``https://host:port`` with the service account token and CA files."""
        if not host or not str(port):
            raise AuthConfigError("in-cluster configuration needs KUBERNETES_SERVICE_HOST and _PORT")
        for path in (token_file, ca_file):
            if not path.is_file():
                raise AuthConfigError(f"in-cluster configuration: {path} does not exist")
        try:
            literal = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        hostport = f"[{host}]:{port}" if literal is not None and literal.version == 6 else f"{host}:{port}"
        config = cls(base_url=f"https://{hostport}", ca_file=ca_file, token_file=token_file)
        TokenSource(config).token()  # fail at start-up, not on the first request
        return config


class TokenSource:
    """The bearer token for the API: the literal one, or the file's content re-read every minute."""

    def __init__(self, config: KubeApiConfig, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._config = config
        self._clock = clock
        self._cached: str | None = config.token
        self._read_at: float | None = None

    def token(self) -> str | None:
        path = self._config.token_file
        if path is None:
            return self._cached
        now = self._clock()
        if self._read_at is not None and now - self._read_at < TOKEN_REFRESH_SECONDS:
            return self._cached
        try:
            text = path.read_text().strip()
        except OSError as exc:
            if self._cached is not None:
                logger.warning("cannot re-read token file %s, keeping the previous token: %s", path, exc)
                return self._cached
            raise AuthConfigError(f"cannot read token file {path}: {exc.strerror}") from exc
        if not text:
            raise AuthConfigError(f"token file {path} is empty")
        self._cached, self._read_at = text, now
        return text


def build_kube_http_client(
    config: KubeApiConfig, *, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """An async client for ``config.base_url`` verifying the server with ``config.ca_file``."""
    verify: ssl.SSLContext | bool = True
    if config.ca_file is not None:
        verify = ssl.create_default_context(cafile=str(config.ca_file))
    return httpx.AsyncClient(
        base_url=config.base_url,
        verify=verify,
        timeout=config.timeout_seconds,
        transport=transport,
        headers={"Accept": "application/json"},
    )


class KubeReviewClient:
    """Creates review objects (TokenReview, SubjectAccessReview) and returns the answer."""

    def __init__(self, http: httpx.AsyncClient, *, token_source: TokenSource | None = None) -> None:
        self._http = http
        self._token_source = token_source

    async def create(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST ``body`` to ``path``; the answer must have the same ``kind`` and ``apiVersion``."""
        kind = str(body.get("kind"))
        headers = {}
        token = None if self._token_source is None else self._token_source.token()
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = await self._http.post(path, json=body, headers=headers)
        except httpx.HTTPError as exc:
            logger.warning("%s request to the Kubernetes API failed: %r", kind, exc)
            raise AuthBackendUnavailable(f"{kind} failed: the Kubernetes API is unreachable") from exc
        if response.status_code == 429 or response.status_code >= 500:
            logger.warning("%s answered %d: %s", kind, response.status_code, response.text[:500])
            raise AuthBackendUnavailable(f"{kind} failed: the Kubernetes API answered {response.status_code}")
        if not response.is_success:
            logger.error("%s answered %d: %s", kind, response.status_code, response.text[:500])
            raise AuthBackendError(f"{kind} was refused by the Kubernetes API ({response.status_code})")
        try:
            answer = response.json()
        except ValueError as exc:
            raise AuthBackendError(f"{kind} answer is not JSON") from exc
        if not isinstance(answer, dict) or answer.get("kind") != kind:
            # Never log the body: a review answer echoes its spec, which may hold a token.
            got = answer.get("kind") if isinstance(answer, dict) else type(answer).__name__
            logger.error("%s request answered with %s", kind, got)
            raise AuthBackendError(f"{kind} answer is not a {kind}")
        # An all-default status (e.g. ``authenticated: false``) may be left out entirely.
        status = answer.setdefault("status", {})
        if not isinstance(status, dict):
            raise AuthBackendError(f"{kind} answer has a malformed status")
        return answer

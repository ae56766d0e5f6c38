"""Errors of request authentication and authorisation, and the ``Status`` document they become.

Each :class:`AuthError` carries the HTTP ``code``, the Kubernetes ``reason`` and a ``message``
that is safe to show to the caller; details of upstream failures are chained (``raise ... from``)
and logged, never put in the message. :class:`AuthConfigError` is different: it means the server
was started with unusable settings (bad certificate files, an insecure bind address) and is raised
at start-up, never per request.

This module must not know about any HTTP framework; :func:`status_body` writes the
``metav1.Status`` document (the one ``metrics_adapter.kube.Status`` writer) so the HTTP edge can
send it as JSON with ``code`` as the HTTP status.
"""

from __future__ import annotations

from typing import Any, ClassVar

from metrics_adapter.kube import Status, StatusReason

__all__ = [
    "AuthBackendError",
    "AuthBackendUnavailable",
    "AuthConfigError",
    "AuthError",
    "Forbidden",
    "Unauthorized",
    "status_body",
]


class AuthError(Exception):
    """A request was not allowed through; ``code`` and ``reason`` say how to answer it."""

    code: ClassVar[int] = 500
    reason: ClassVar[str] = "InternalError"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unauthorized(AuthError):
    """No acceptable credentials (401): no certificate, header identity or token proved who called."""

    code = 401
    reason = "Unauthorized"

    def __init__(self, message: str = "Unauthorized") -> None:
        super().__init__(message)


class Forbidden(AuthError):
    """The caller is known but the SubjectAccessReview did not allow the request (403)."""

    code = 403
    reason = "Forbidden"


class AuthBackendUnavailable(AuthError):
    """The Kubernetes API could not be reached or answered 5xx/429 (503: retry later)."""

    code = 503
    reason = "ServiceUnavailable"


class AuthBackendError(AuthError):
    """The Kubernetes API gave an unusable answer (4xx, malformed review): a misconfiguration (500)."""

    code = 500
    reason = "InternalError"


class AuthConfigError(ValueError):
    """Start-up settings for TLS or authentication are unusable (missing file, bad PEM, open bind)."""


def status_body(error: AuthError) -> dict[str, Any]:
    """The ``metav1.Status`` document for ``error``; send it with HTTP status ``error.code``."""
    return Status(message=error.message, reason=StatusReason(error.reason), code=error.code).to_wire()

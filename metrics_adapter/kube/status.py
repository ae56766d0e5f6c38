"""``metav1.Status``: the error document every Kubernetes API answers with.

Shape: ``{"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
"message": ..., "reason": ..., "details": {...}, "code": <HTTP status>}``; the HTTP status of the
response must equal ``code``. The constructors reproduce the messages of apimachinery's
``api/errors`` helpers and of custom-metrics-apiserver's ``provider/errors.go`` (e.g. "the server
could not find the metric rps for pods"), which is what HPA events and ``kubectl`` show.

Group-resources are passed as their string form (``pods``, ``deployments.apps``). This module
builds documents only; mapping exceptions to them is the HTTP edge's job.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from metrics_adapter.kube.wire import ListMeta, WireModel

__all__ = [
    "Status",
    "StatusCause",
    "StatusDetails",
    "StatusReason",
    "new_bad_request",
    "new_external_metric_not_found",
    "new_forbidden",
    "new_internal_error",
    "new_method_not_supported",
    "new_metric_not_found",
    "new_not_acceptable",
    "new_not_found",
    "new_service_unavailable",
    "new_timeout",
    "new_unauthorized",
]


class StatusReason(StrEnum):
    NOT_FOUND = "NotFound"
    BAD_REQUEST = "BadRequest"
    UNAUTHORIZED = "Unauthorized"
    FORBIDDEN = "Forbidden"
    METHOD_NOT_ALLOWED = "MethodNotAllowed"
    NOT_ACCEPTABLE = "NotAcceptable"
    INTERNAL_ERROR = "InternalError"
    SERVICE_UNAVAILABLE = "ServiceUnavailable"
    TIMEOUT = "Timeout"


class StatusCause(WireModel):
    reason: str | None = None
    message: str | None = None
    field: str | None = None


class StatusDetails(WireModel):
    name: str | None = None
    group: str | None = None
    kind: str | None = None
    uid: str | None = None
    causes: list[StatusCause] | None = None
    retry_after_seconds: int | None = None


class Status(WireModel):
    kind: Literal["Status"] = "Status"
    api_version: Literal["v1"] = "v1"
    metadata: ListMeta = Field(default_factory=ListMeta)
    status: Literal["Success", "Failure"] = "Failure"
    message: str | None = None
    reason: StatusReason | None = None
    details: StatusDetails | None = None
    code: int


def _split(group_resource: str) -> tuple[str, str]:
    """``deployments.apps`` -> (``apps``, ``deployments``); ``pods`` -> (``""``, ``pods``)."""
    resource, _, group = group_resource.partition(".")
    return group, resource


def new_metric_not_found(
    group_resource: str, metric: str, *, name: str | None = None, selector: str | None = None
) -> Status:
    """404 for a custom metric: for a resource, a named object, or a named object and selector."""
    message = f"the server could not find the metric {metric} for {group_resource}"
    if name is not None:
        message += f" {name}"
        if selector:
            message += f" with selector {selector}"
    return Status(message=message, reason=StatusReason.NOT_FOUND, code=404)


def new_external_metric_not_found(metric: str) -> Status:
    """404 for an external metric that has no series for the given labels."""
    return Status(
        message=f"the server could not find the metric {metric} for provided labels",
        reason=StatusReason.NOT_FOUND,
        code=404,
    )


def new_not_found(group_resource: str, name: str) -> Status:
    """404 for an object or an API path (``pods "x" not found``)."""
    group, resource = _split(group_resource)
    return Status(
        message=f'{group_resource} "{name}" not found',
        reason=StatusReason.NOT_FOUND,
        details=StatusDetails(name=name, group=group or None, kind=resource),
        code=404,
    )


def new_bad_request(message: str) -> Status:
    """400: malformed path, selector or parameter; ``message`` is shown as is."""
    return Status(message=message, reason=StatusReason.BAD_REQUEST, code=400)


def new_unauthorized(message: str = "") -> Status:
    return Status(message=message or "not authorized", reason=StatusReason.UNAUTHORIZED, code=401)


def new_forbidden(group_resource: str, name: str, reason: str) -> Status:
    """403 as apimachinery words it: ``pods "x" is forbidden: <reason>``."""
    group, resource = _split(group_resource)
    if not group_resource:
        message = f"forbidden: {reason}"
    elif not name:
        message = f"{group_resource} is forbidden: {reason}"
    else:
        message = f'{group_resource} "{name}" is forbidden: {reason}'
    return Status(
        message=message,
        reason=StatusReason.FORBIDDEN,
        details=StatusDetails(name=name or None, group=group or None, kind=resource or None),
        code=403,
    )


def new_method_not_supported(group_resource: str, action: str) -> Status:
    group, resource = _split(group_resource)
    return Status(
        message=f'{action} is not supported on resources of kind "{group_resource}"',
        reason=StatusReason.METHOD_NOT_ALLOWED,
        details=StatusDetails(group=group or None, kind=resource),
        code=405,
    )


def new_not_acceptable(accepted: list[str]) -> Status:
    """406, e.g. for an aggregated-discovery-only ``Accept`` header."""
    return Status(
        message=f"only the following media types are accepted: {', '.join(accepted)}",
        reason=StatusReason.NOT_ACCEPTABLE,
        code=406,
    )


def new_internal_error(cause: str) -> Status:
    """500 with the cause repeated in ``details.causes``; pass a cause safe to show to clients."""
    return Status(
        message=f"Internal error occurred: {cause}",
        reason=StatusReason.INTERNAL_ERROR,
        details=StatusDetails(causes=[StatusCause(message=cause)]),
        code=500,
    )


def new_service_unavailable(message: str) -> Status:
    return Status(message=message, reason=StatusReason.SERVICE_UNAVAILABLE, code=503)


def new_timeout(message: str, *, retry_after_seconds: int | None = None) -> Status:
    return Status(
        message=f"Timeout: {message}",
        reason=StatusReason.TIMEOUT,
        details=StatusDetails(retry_after_seconds=retry_after_seconds) if retry_after_seconds else None,
        code=504,
    )

"""metav1.Status documents with the messages apimachinery and custom-metrics-apiserver write."""

from __future__ import annotations

from typing import Any

import pytest

from metrics_adapter.kube import (
    Status,
    StatusReason,
    new_bad_request,
    new_external_metric_not_found,
    new_forbidden,
    new_internal_error,
    new_method_not_supported,
    new_metric_not_found,
    new_not_acceptable,
    new_not_found,
    new_service_unavailable,
    new_timeout,
    new_unauthorized,
)

_HEAD = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure"}


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        pytest.param(
            new_metric_not_found("pods", "istio_requests_per_second"),
            {
                "message": "the server could not find the metric istio_requests_per_second for pods",
                "reason": "NotFound",
                "code": 404,
            },
            id="note-not-found",
        ),
        pytest.param(
            new_metric_not_found("deployments.apps", "rps", name="checkout"),
            {
                "message": "the server could not find the metric rps for deployments.apps checkout",
                "reason": "NotFound",
                "code": 404,
            },
            id="not-found-for-object",
        ),
        pytest.param(
            new_metric_not_found("pods", "rps", name="*", selector="app=checkout"),
            {
                "message": "the server could not find the metric rps for pods * with selector app=checkout",
                "reason": "NotFound",
                "code": 404,
            },
            id="not-found-with-selector",
        ),
        pytest.param(
            new_external_metric_not_found("queue_depth"),
            {
                "message": "the server could not find the metric queue_depth for provided labels",
                "reason": "NotFound",
                "code": 404,
            },
            id="external-not-found",
        ),
        pytest.param(
            new_not_found("deployments.apps", "checkout"),
            {
                "message": 'deployments.apps "checkout" not found',
                "reason": "NotFound",
                "details": {"name": "checkout", "group": "apps", "kind": "deployments"},
                "code": 404,
            },
            id="object-not-found",
        ),
        pytest.param(
            new_internal_error("unable to fetch metrics"),
            {
                "message": "Internal error occurred: unable to fetch metrics",
                "reason": "InternalError",
                "details": {"causes": [{"message": "unable to fetch metrics"}]},
                "code": 500,
            },
            id="note-internal-error",
        ),
        pytest.param(
            new_bad_request("invalid request path"),
            {"message": "invalid request path", "reason": "BadRequest", "code": 400},
            id="bad-request",
        ),
        pytest.param(
            new_unauthorized(),
            {"message": "not authorized", "reason": "Unauthorized", "code": 401},
            id="unauthorized",
        ),
        pytest.param(
            new_forbidden("pods", "", 'User "bob" cannot get resource "pods/rps"'),
            {
                "message": 'pods is forbidden: User "bob" cannot get resource "pods/rps"',
                "reason": "Forbidden",
                "details": {"kind": "pods"},
                "code": 403,
            },
            id="forbidden-resource",
        ),
        pytest.param(
            new_forbidden("deployments.apps", "web", "no"),
            {
                "message": 'deployments.apps "web" is forbidden: no',
                "reason": "Forbidden",
                "details": {"name": "web", "group": "apps", "kind": "deployments"},
                "code": 403,
            },
            id="forbidden-object",
        ),
        pytest.param(
            new_method_not_supported("pods", "create"),
            {
                "message": 'create is not supported on resources of kind "pods"',
                "reason": "MethodNotAllowed",
                "details": {"kind": "pods"},
                "code": 405,
            },
            id="method-not-allowed",
        ),
        pytest.param(
            new_not_acceptable(["application/json", "application/yaml"]),
            {
                "message": "only the following media types are accepted: application/json, application/yaml",
                "reason": "NotAcceptable",
                "code": 406,
            },
            id="not-acceptable",
        ),
        pytest.param(
            new_service_unavailable("prometheus is unreachable"),
            {"message": "prometheus is unreachable", "reason": "ServiceUnavailable", "code": 503},
            id="service-unavailable",
        ),
        pytest.param(
            new_timeout("query took too long", retry_after_seconds=5),
            {
                "message": "Timeout: query took too long",
                "reason": "Timeout",
                "details": {"retryAfterSeconds": 5},
                "code": 504,
            },
            id="timeout",
        ),
    ],
)
def test_status_documents(status: Status, expected: dict[str, Any]) -> None:
    assert status.to_wire() == _HEAD | expected


def test_status_reads_back_and_keeps_the_reason_enum() -> None:
    status = new_internal_error("boom")
    parsed = Status.model_validate(status.to_wire())
    assert parsed == status
    assert parsed.reason is StatusReason.INTERNAL_ERROR

"""Request authorisation through SubjectAccessReview (``authorization.k8s.io/v1``), cached.

Users in an always-allowed group (default ``system:masters``, which is how the kube-aggregator's
discovery and availability checks get through) are allowed without a review. Everyone else costs
one ``POST /apis/authorization.k8s.io/v1/subjectaccessreviews`` per (user, attributes) per TTL;
allowed and denied answers have their own TTLs (10 s each by default, as the
``--authorization-webhook-cache-*-ttl`` flags), errors are not cached and propagate as
:class:`AuthBackendUnavailable` (503) or :class:`AuthBackendError` (500), see :mod:`.kube_api`.

:func:`forbidden_error` builds the 403 with Kubernetes' wording, e.g.
``pods.custom.metrics.k8s.io "*" is forbidden: User "bob" cannot get resource "pods/rps" in API
group "custom.metrics.k8s.io" in the namespace "shop"``. Knows nothing about HTTP frameworks.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from metrics_adapter.ttl_cache import TtlCache

from .errors import AuthBackendError, Forbidden
from .kube_api import KubeReviewClient
from .request_attributes import NonResourceAttributes, RequestAttributes, ResourceAttributes
from .user import UserInfo

__all__ = [
    "SUBJECT_ACCESS_REVIEW_PATH",
    "AuthorizationDecision",
    "SubjectAccessReviewAuthorizer",
    "forbidden_error",
    "subject_access_review_body",
]

logger = logging.getLogger(__name__)

SUBJECT_ACCESS_REVIEW_PATH = "/apis/authorization.k8s.io/v1/subjectaccessreviews"


@dataclass(frozen=True)
class AuthorizationDecision:
    allowed: bool
    reason: str = ""


def subject_access_review_body(user: UserInfo, attributes: RequestAttributes) -> dict[str, Any]:
    spec: dict[str, Any] = {"user": user.name}
    if user.groups:
        spec["groups"] = list(user.groups)
    if user.uid:
        spec["uid"] = user.uid
    if user.extra:
        spec["extra"] = user.extra_dict()
    if isinstance(attributes, ResourceAttributes):
        spec["resourceAttributes"] = attributes.to_wire()
    else:
        spec["nonResourceAttributes"] = attributes.to_wire()
    return {"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview", "spec": spec}


def _decision_from_status(status: dict[str, Any]) -> AuthorizationDecision:
    allowed = status.get("allowed", False)
    if not isinstance(allowed, bool):
        raise AuthBackendError("SubjectAccessReview answer has a malformed status")
    reason = status.get("reason")
    if status.get("evaluationError"):
        logger.warning("SubjectAccessReview evaluation error: %s", status["evaluationError"])
    return AuthorizationDecision(allowed=allowed, reason=reason if isinstance(reason, str) else "")


class SubjectAccessReviewAuthorizer:
    """Asks the Kubernetes API whether a user may make a request, remembering the answer briefly."""

    def __init__(
        self,
        client: KubeReviewClient,
        *,
        allowed_ttl: float = 10.0,
        denied_ttl: float = 10.0,
        always_allow_groups: Sequence[str] = ("system:masters",),
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = 10_000,
    ) -> None:
        self._client = client
        self._always_allow_groups = frozenset(always_allow_groups)
        self._cache: TtlCache[AuthorizationDecision] = TtlCache(
            ttl_for=lambda d: allowed_ttl if d.allowed else denied_ttl, clock=clock, max_entries=max_entries
        )

    async def authorize(self, user: UserInfo, attributes: RequestAttributes) -> AuthorizationDecision:
        if self._always_allow_groups.intersection(user.groups):
            return AuthorizationDecision(allowed=True, reason="member of an always-allowed group")

        async def review() -> AuthorizationDecision:
            body = subject_access_review_body(user, attributes)
            answer = await self._client.create(SUBJECT_ACCESS_REVIEW_PATH, body)
            return _decision_from_status(answer["status"])

        return (await self._cache.get((user, attributes), review)).value


def forbidden_error(
    user: UserInfo, attributes: RequestAttributes, decision: AuthorizationDecision
) -> Forbidden:
    """The 403 for a denied request, worded like kube-apiserver's."""
    if isinstance(attributes, NonResourceAttributes):
        message = (
            f"forbidden: User {_quote(user.name)} cannot {attributes.verb} path {_quote(attributes.path)}"
        )
    else:
        resource = attributes.resource
        if attributes.subresource:
            resource = f"{resource}/{attributes.subresource}"
        scope = (
            f"in the namespace {_quote(attributes.namespace)}"
            if attributes.namespace
            else "at the cluster scope"
        )
        reason = (
            f"User {_quote(user.name)} cannot {attributes.verb} resource {_quote(resource)} "
            f"in API group {_quote(attributes.group)} {scope}"
        )
        qualified = f"{attributes.resource}.{attributes.group}" if attributes.group else attributes.resource
        subject = f"{qualified} {_quote(attributes.name)}" if attributes.name else qualified
        message = f"{subject} is forbidden: {reason}"
    if decision.reason:
        message = f"{message}: {decision.reason}"
    return Forbidden(message)


def _quote(text: str) -> str:
    """Go's ``%q`` for the plain names that appear here: double quotes, escaped quotes/backslashes."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'

"""One call per request: authenticate, derive attributes, authorise; and the factory wiring it.

:meth:`RequestAuth.check` returns the caller's :class:`Authentication` or raises an
:class:`AuthError` (401, 403, 500, 503) for the HTTP edge to turn into a ``Status``.
:func:`build_request_auth` assembles the pieces from :class:`AuthSettings` and a
:class:`KubeReviewClient`, loading the CA bundles once (errors surface at start-up). There is
no local authorisation mode: an aggregated server asks the cluster. Knows nothing about HTTP
frameworks.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol

from .authn import RequestAuthenticator, RequestCredentials
from .authz import AuthorizationDecision, SubjectAccessReviewAuthorizer, forbidden_error
from .front_proxy import FrontProxyAuthenticator
from .kube_api import KubeReviewClient
from .peer import CaBundle
from .request_attributes import RequestAttributes, derive_request_attributes
from .settings import AuthSettings
from .token_review import TokenReviewAuthenticator
from .user import Authentication, UserInfo

__all__ = ["Authenticator", "Authorizer", "RequestAuth", "build_request_auth"]

logger = logging.getLogger(__name__)


class Authenticator(Protocol):
    async def authenticate(self, credentials: RequestCredentials) -> Authentication: ...


class Authorizer(Protocol):
    async def authorize(self, user: UserInfo, attributes: RequestAttributes) -> AuthorizationDecision: ...


class RequestAuth:
    """Authentication then authorisation of one request."""

    def __init__(self, authenticator: Authenticator, authorizer: Authorizer) -> None:
        self._authenticator = authenticator
        self._authorizer = authorizer

    async def check(
        self, credentials: RequestCredentials, *, method: str, path: str, query_string: str = ""
    ) -> Authentication:
        authentication = await self._authenticator.authenticate(credentials)
        attributes = derive_request_attributes(method, path, query_string=query_string)
        decision = await self._authorizer.authorize(authentication.user, attributes)
        if not decision.allowed:
            error = forbidden_error(authentication.user, attributes, decision)
            logger.info("forbidden (%s, %s): %s", authentication.method, credentials.client_ip, error.message)
            raise error
        return authentication


def build_request_auth(
    settings: AuthSettings,
    *,
    review_client: KubeReviewClient,
    clock: Callable[[], float] = time.monotonic,
) -> RequestAuth:
    front_proxy = None
    if settings.requestheader is not None:
        ca = CaBundle.from_file(settings.requestheader.client_ca_file)
        front_proxy = FrontProxyAuthenticator(ca, settings.requestheader)
    client_ca = None if settings.client_ca_file is None else CaBundle.from_file(settings.client_ca_file)
    tokens = TokenReviewAuthenticator(
        review_client,
        cache_ttl=settings.token_cache_ttl,
        audiences=settings.token_audiences,
        clock=clock,
        max_entries=settings.max_cache_entries,
    )
    authorizer = SubjectAccessReviewAuthorizer(
        review_client,
        allowed_ttl=settings.authorization_allowed_ttl,
        denied_ttl=settings.authorization_denied_ttl,
        always_allow_groups=settings.always_allow_groups,
        clock=clock,
        max_entries=settings.max_cache_entries,
    )
    authenticator = RequestAuthenticator(front_proxy=front_proxy, client_ca=client_ca, tokens=tokens)
    return RequestAuth(authenticator, authorizer)

"""Request authentication: front proxy, then client certificate, then bearer token; else 401.

The order and rules follow Kubernetes' delegating authenticator:

1. **Front proxy.** A certificate from the requestheader CA with an allowed common name makes
   the identity headers authoritative (see :mod:`.front_proxy`). A requestheader-CA certificate
   whose name is not allowed is refused (401) unless the client CA also issued it. A genuine
   front proxy that sent no username header falls through to the next steps.
2. **Client certificate** issued by the client CA: user = common name, groups = organisations.
3. **Bearer token** (``Authorization: Bearer <token>``): TokenReview; a rejected token is 401.
4. Anything else is anonymous, and anonymous requests are refused with 401.

Identity headers from a caller that is not a verified front proxy are never read. Every
authenticated user gets the ``system:authenticated`` group. Messages to the caller are always
"Unauthorized"; the reason is logged. Knows nothing about HTTP frameworks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import NoReturn, Protocol

from .errors import Unauthorized
from .front_proxy import FrontProxyAuthenticator, FrontProxyOutcome, Headers
from .peer import CaBundle, PeerCertificate
from .user import Authentication, AuthMethod, UserInfo

__all__ = ["RequestAuthenticator", "RequestCredentials", "TokenAuthenticator", "bearer_token"]

logger = logging.getLogger(__name__)


class TokenAuthenticator(Protocol):
    async def authenticate_token(self, token: str) -> UserInfo | None:
        """The token's user, or ``None`` if the token is not valid."""
        ...


@dataclass(frozen=True)
class RequestCredentials:
    """What one request offers as proof of identity."""

    peer_certificate: PeerCertificate | None
    headers: Headers
    client_ip: str | None = None


def bearer_token(headers: Headers) -> str | None:
    """The token of the first ``Authorization: Bearer <token>`` header, else ``None``."""
    for name, value in headers:
        if name != "authorization":
            continue
        scheme, _, token = value.strip().partition(" ")
        token = token.strip()
        if scheme.lower() == "bearer" and token and not any(c.isspace() for c in token):
            return token
        return None
    return None


class RequestAuthenticator:
    """Authenticates requests with whichever of the three methods is configured."""

    def __init__(
        self,
        *,
        front_proxy: FrontProxyAuthenticator | None = None,
        client_ca: CaBundle | None = None,
        tokens: TokenAuthenticator | None = None,
    ) -> None:
        self._front_proxy = front_proxy
        self._client_ca = client_ca
        self._tokens = tokens

    async def authenticate(self, credentials: RequestCredentials) -> Authentication:
        """The caller's identity; :class:`Unauthorized` when none is proved."""
        found = await self._identify(credentials)
        return Authentication(found.user.with_authenticated_group(), found.method)

    async def _identify(self, credentials: RequestCredentials) -> Authentication:
        peer = credentials.peer_certificate
        if self._front_proxy is not None:
            result = self._front_proxy.authenticate(peer, credentials.headers)
            if result.outcome is FrontProxyOutcome.AUTHENTICATED and result.user is not None:
                return Authentication(result.user, AuthMethod.FRONT_PROXY)
            if result.outcome is FrontProxyOutcome.NAME_NOT_ALLOWED:
                client_user = self._client_certificate_user(peer)
                if client_user is not None:
                    return Authentication(client_user, AuthMethod.CLIENT_CERTIFICATE)
                cn = None if peer is None else peer.common_name
                self._refuse(credentials, f"requestheader certificate CN={cn!r} is not an allowed name")
            if result.outcome is FrontProxyOutcome.NO_USERNAME:
                logger.debug("front proxy request from %s carried no username header", credentials.client_ip)
        client_user = self._client_certificate_user(peer)
        if client_user is not None:
            return Authentication(client_user, AuthMethod.CLIENT_CERTIFICATE)
        token = bearer_token(credentials.headers)
        if token is not None and self._tokens is not None:
            user = await self._tokens.authenticate_token(token)
            if user is None:
                self._refuse(credentials, "invalid bearer token")
            return Authentication(user, AuthMethod.BEARER_TOKEN)
        self._refuse(credentials, "no credentials (anonymous requests are not allowed)")

    def _client_certificate_user(self, peer: PeerCertificate | None) -> UserInfo | None:
        if peer is None or self._client_ca is None or not peer.common_name:
            return None
        if not self._client_ca.issued(peer):
            return None
        return UserInfo(name=peer.common_name, groups=peer.organizations)

    @staticmethod
    def _refuse(credentials: RequestCredentials, reason: str) -> NoReturn:
        logger.info("unauthenticated request from %s: %s", credentials.client_ip or "unknown", reason)
        raise Unauthorized()

"""Security of the aggregated API server: TLS, front-proxy/client-cert/token authentication, SAR.

What a Go apiserver gets from ``DelegatingAuthenticationOptions`` and
``DelegatingAuthorizationOptions``, for our FastAPI-on-uvicorn server:

- :mod:`.certs` serving certificate (given files or self-signed into a cert dir);
  :mod:`.tls` uvicorn config with optional client certificates passed to the app;
- :mod:`.authn` front proxy (:mod:`.front_proxy`), client CA, TokenReview (:mod:`.token_review`);
- :mod:`.authz` SubjectAccessReview with path-derived attributes (:mod:`.request_attributes`);
- :mod:`.request_auth` one check per request; :mod:`.asgi` the middleware answering ``Status``;
- :mod:`.bind` the loopback-only guard for an insecure port.

Errors are :class:`AuthError` subclasses carrying (code, reason, message); :func:`status_body`
turns one into a ``metav1.Status`` dict. :mod:`.testing_pki` is for tests and the demo only.
Only :mod:`.asgi` imports FastAPI; this package imports no other package of ours.
"""

from __future__ import annotations

from .asgi import AUTH_METHOD_STATE_KEY, USER_STATE_KEY, KubernetesAuth, install_kubernetes_auth
from .authn import RequestAuthenticator, RequestCredentials, bearer_token
from .authz import AuthorizationDecision, SubjectAccessReviewAuthorizer, forbidden_error
from .bind import check_insecure_bind
from .certs import (
    ServingCertificate,
    ensure_self_signed_certificate,
    load_serving_certificate,
    resolve_serving_certificate,
    service_dns_names,
)
from .errors import (
    AuthBackendError,
    AuthBackendUnavailable,
    AuthConfigError,
    AuthError,
    Forbidden,
    Unauthorized,
    status_body,
)
from .kube_api import KubeApiConfig, KubeReviewClient, TokenSource, build_kube_http_client
from .peer import PEER_CERTIFICATE_STATE_KEY, CaBundle, PeerCertificate
from .pki import KeyType
from .request_attributes import (
    NonResourceAttributes,
    RequestAttributes,
    ResourceAttributes,
    derive_request_attributes,
)
from .request_auth import RequestAuth, build_request_auth
from .settings import AuthSettings, RequestHeaderSettings, requestheader_from_configmap
from .tls import PeerCertificateH11Protocol, build_uvicorn_config, uvicorn_tls_kwargs
from .token_review import TokenReviewAuthenticator
from .user import Authentication, AuthMethod, UserInfo

__all__ = [
    "AUTH_METHOD_STATE_KEY",
    "PEER_CERTIFICATE_STATE_KEY",
    "USER_STATE_KEY",
    "AuthBackendError",
    "AuthBackendUnavailable",
    "AuthConfigError",
    "AuthError",
    "AuthMethod",
    "AuthSettings",
    "Authentication",
    "AuthorizationDecision",
    "CaBundle",
    "Forbidden",
    "KeyType",
    "KubeApiConfig",
    "KubeReviewClient",
    "KubernetesAuth",
    "NonResourceAttributes",
    "PeerCertificate",
    "PeerCertificateH11Protocol",
    "RequestAttributes",
    "RequestAuth",
    "RequestAuthenticator",
    "RequestCredentials",
    "RequestHeaderSettings",
    "ResourceAttributes",
    "ServingCertificate",
    "SubjectAccessReviewAuthorizer",
    "TokenReviewAuthenticator",
    "TokenSource",
    "Unauthorized",
    "UserInfo",
    "bearer_token",
    "build_kube_http_client",
    "build_request_auth",
    "build_uvicorn_config",
    "check_insecure_bind",
    "derive_request_attributes",
    "ensure_self_signed_certificate",
    "forbidden_error",
    "install_kubernetes_auth",
    "load_serving_certificate",
    "requestheader_from_configmap",
    "resolve_serving_certificate",
    "service_dns_names",
    "status_body",
    "uvicorn_tls_kwargs",
]

"""ASGI edge of request security: ``KubernetesAuth`` middleware and its installer.

For every HTTP request except the declared public paths the middleware builds
:class:`RequestCredentials` (the connection's client certificate from ``scope["state"]``, the
headers, the client address), runs :meth:`RequestAuth.check`, and then either

- passes the request on with the user in ``scope["state"]["user"]`` (``request.state.user``,
  a :class:`UserInfo`) and the method in ``state["auth_method"]``, after removing the
  ``Authorization`` header and every identity header so the app can never read them; or
- answers with the ``Status`` JSON of the :class:`AuthError` (401, 403, 500 or 503), its code as
  the HTTP status. Websocket requests are closed with code 1008 instead.

Public paths are exact, or prefixes when they end with ``*`` (``/healthz``, ``/debug/*``); a path
with ``.`` or ``..`` segments is never public. Plain ASGI: imports no web framework; the
installer takes any app with Starlette's ``add_middleware``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any, Protocol

from .authn import RequestCredentials
from .errors import AuthError, status_body
from .peer import PEER_CERTIFICATE_STATE_KEY, PeerCertificate
from .settings import RequestHeaderSettings, identity_header_names
from .user import Authentication

__all__ = ["AUTH_METHOD_STATE_KEY", "USER_STATE_KEY", "KubernetesAuth", "install_kubernetes_auth"]

USER_STATE_KEY = "user"
AUTH_METHOD_STATE_KEY = "auth_method"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class MiddlewareHost(Protocol):
    """An app that takes ASGI middleware the way Starlette's ``add_middleware`` does (FastAPI is one)."""

    def add_middleware(self, middleware_class: Any, *args: Any, **kwargs: Any) -> None: ...


class RequestChecker(Protocol):
    async def check(
        self, credentials: RequestCredentials, *, method: str, path: str, query_string: str = ""
    ) -> Authentication: ...


def _decode(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


class KubernetesAuth:
    """Pure ASGI middleware: authenticate and authorise, or answer with a ``Status``."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        auth: RequestChecker,
        public_paths: Iterable[str] = (),
        requestheader: RequestHeaderSettings | None = None,
    ) -> None:
        self.app = app
        self._auth = auth
        paths = tuple(public_paths)
        self._public_exact = frozenset(p for p in paths if not p.endswith("*"))
        self._public_prefixes = tuple(p[:-1] for p in paths if p.endswith("*"))
        exact, prefixes = identity_header_names(requestheader)
        self._strip_exact = exact | {"authorization"}
        self._strip_prefixes = prefixes

    def _is_public(self, path: str) -> bool:
        if any(segment in (".", "..") for segment in path.split("/")):
            return False  # never let "/public/../apis/..." skip the checks
        return path in self._public_exact or path.startswith(self._public_prefixes)

    def _is_identity_header(self, name: str) -> bool:
        return name in self._strip_exact or name.startswith(self._strip_prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or self._is_public(scope["path"]):
            await self.app(scope, receive, send)
            return
        raw_headers: list[tuple[bytes, bytes]] = list(scope.get("headers") or [])
        headers = [(name.decode("latin-1").lower(), _decode(value)) for name, value in raw_headers]
        state = dict(scope.get("state") or {})
        peer = state.get(PEER_CERTIFICATE_STATE_KEY)
        client = scope.get("client")
        credentials = RequestCredentials(
            peer_certificate=peer if isinstance(peer, PeerCertificate) else None,
            headers=headers,
            client_ip=str(client[0]) if client else None,
        )
        try:
            authentication = await self._auth.check(
                credentials,
                method=str(scope.get("method", "GET")),
                path=scope["path"],
                query_string=bytes(scope.get("query_string", b"")).decode("latin-1"),
            )
        except AuthError as error:
            await _reject(scope, send, error)
            return
        state[USER_STATE_KEY] = authentication.user
        state[AUTH_METHOD_STATE_KEY] = authentication.method
        kept = [(n, v) for n, v in raw_headers if not self._is_identity_header(n.decode("latin-1").lower())]
        await self.app({**scope, "headers": kept, "state": state}, receive, send)


async def _reject(scope: Scope, send: Send, error: AuthError) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008, "reason": error.reason})
        return
    body = json.dumps(status_body(error), separators=(",", ":")).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": error.code, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def install_kubernetes_auth(
    auth: RequestChecker,
    *,
    public_paths: Iterable[str] = (),
    requestheader: RequestHeaderSettings | None = None,
) -> Callable[[MiddlewareHost], None]:
    """An installer for ``create_metrics_api(..., middleware=[...])`` adding :class:`KubernetesAuth`."""
    paths = tuple(public_paths)

    def install(app: MiddlewareHost) -> None:
        app.add_middleware(KubernetesAuth, auth=auth, public_paths=paths, requestheader=requestheader)

    return install

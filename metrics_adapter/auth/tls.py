"""TLS serving with client certificates visible to the app, as uvicorn configuration.

Released uvicorn verifies client certificates but does not hand them to the ASGI app. The
:class:`PeerCertificateH11Protocol` fixes that per connection: when a TLS connection is made it
reads the verified peer certificate from the transport's ``ssl_object`` and stores it, parsed,
in a per-connection copy of the lifespan state, which uvicorn copies into each request's
``scope["state"]`` (``request.state.peer_certificate``; ``None`` when the client sent none). The
value is always set by the server, so neither the app's lifespan nor a client can forge it.

:func:`uvicorn_tls_kwargs` asks for client certificates without requiring them
(``CERT_OPTIONAL``): clients without one can still present a bearer token, while a certificate
that does not chain to the requestheader CA or the client CA fails the handshake. TLS 1.2 is the
minimum. Knows nothing about authentication decisions.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from .certs import ServingCertificate
from .peer import PEER_CERTIFICATE_STATE_KEY, PeerCertificate, peer_certificate_from_der
from .settings import AuthSettings

__all__ = ["PeerCertificateH11Protocol", "build_uvicorn_config", "peer_certificate_of", "uvicorn_tls_kwargs"]

logger = logging.getLogger(__name__)


def peer_certificate_of(transport: asyncio.BaseTransport) -> PeerCertificate | None:
    """The verified client certificate of a TLS transport, else ``None``.

    A certificate is only returned when the server context verifies client certificates: with
    ``CERT_NONE`` OpenSSL would hand out whatever the client sent, unverified.
    """
    ssl_object = transport.get_extra_info("ssl_object")
    if not isinstance(ssl_object, ssl.SSLObject | ssl.SSLSocket):
        return None
    if ssl_object.context.verify_mode == ssl.CERT_NONE:
        return None
    der = ssl_object.getpeercert(binary_form=True)
    if not der:
        return None
    try:
        return peer_certificate_from_der(der)
    except ValueError:
        logger.warning("could not parse a verified client certificate; treating the client as having none")
        return None


class PeerCertificateH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, plus the connection's client certificate in the request state."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self.app_state = {**self.app_state, PEER_CERTIFICATE_STATE_KEY: peer_certificate_of(transport)}
        super().connection_made(transport)


def uvicorn_tls_kwargs(serving_cert: ServingCertificate, auth_settings: AuthSettings) -> dict[str, Any]:
    """``uvicorn.Config`` keyword arguments for the secure port."""
    ca_files = auth_settings.client_ca_files()

    def context_factory(config: uvicorn.Config, default: Callable[[], ssl.SSLContext]) -> ssl.SSLContext:
        context = default()
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        for extra in ca_files[1:]:
            context.load_verify_locations(cafile=str(extra))
        return context

    return {
        "ssl_certfile": str(serving_cert.cert_file),
        "ssl_keyfile": str(serving_cert.key_file),
        "ssl_cert_reqs": ssl.CERT_OPTIONAL if ca_files else ssl.CERT_NONE,
        "ssl_ca_certs": str(ca_files[0]) if ca_files else None,
        "ssl_context_factory": context_factory,
        "http": PeerCertificateH11Protocol,
        # Client addresses are for logs only; never take them (or the scheme) from headers.
        "proxy_headers": False,
    }


def build_uvicorn_config(
    app: Any,
    *,
    host: str,
    port: int,
    serving_cert: ServingCertificate,
    auth_settings: AuthSettings,
    **config_kwargs: Any,
) -> uvicorn.Config:
    """A uvicorn config serving ``app`` over TLS with client certificates passed to the app.

    ``config_kwargs`` (log level, timeouts, ...) are passed through; they cannot replace the TLS
    settings.
    """
    tls = uvicorn_tls_kwargs(serving_cert, auth_settings)
    clash = sorted(set(tls) & set(config_kwargs) - {"proxy_headers"})
    if clash:
        raise ValueError(f"build_uvicorn_config sets {', '.join(clash)} itself")
    return uvicorn.Config(app, host=host, port=port, **{**tls, **config_kwargs})

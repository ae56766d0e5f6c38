"""Guard for the plain-HTTP ``--insecure-port``: it may only listen on loopback.

An unauthenticated port reachable from the pod network would bypass TLS, front-proxy checks and
authorisation, so anything but ``localhost``, ``127.0.0.0/8`` or ``::1`` is refused at start-up.
Pure; no sockets are opened.
"""

from __future__ import annotations

import ipaddress

from .errors import AuthConfigError

__all__ = ["check_insecure_bind"]


def check_insecure_bind(host: str) -> None:
    """Raise :class:`AuthConfigError` unless ``host`` is a loopback address or ``localhost``."""
    candidate = host.strip()
    if candidate.startswith("[") and candidate.endswith("]"):
        candidate = candidate[1:-1]
    if candidate.lower() == "localhost":
        return
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        address = None
    if address is not None and address.is_loopback:
        return
    shown = host or "all interfaces"
    raise AuthConfigError(
        f"refusing to serve the insecure port on {shown!r}: it has no authentication, so it may only "
        "bind to localhost, 127.0.0.0/8 or ::1"
    )

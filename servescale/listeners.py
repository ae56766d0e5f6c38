"""Listening sockets bound before a server starts, so a busy or forbidden port is one clear error.

uvicorn binds its own socket inside the event loop and, when that fails, logs the error and exits
with status 3 from within a task, with the tracebacks of the servers beside it. Binding first turns
the failure into a :class:`ListenError` that names the option, which the commands report in one line.

The socket is created with ``IPPROTO_TCP`` as its protocol, not the default 0: asyncio turns on
``TCP_NODELAY`` only for accepted sockets whose protocol says TCP. Without it, every answer on a
kept-alive connection (the kube-aggregator's, Prometheus' scrapes) is written as headers then body,
Nagle holds the body until the client acknowledges the headers, and the client's delayed ACK adds
40 ms to each answer.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence

__all__ = ["ListenError", "listen_socket", "listen_sockets"]


class ListenError(RuntimeError):
    """A port could not be listened on; the message names the option, the address and the reason."""


def listen_socket(host: str, port: int, *, option: str) -> socket.socket:
    """A TCP socket listening on ``host:port`` (IPv6 when ``host`` has a colon)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen()
    except OSError as exc:
        sock.close()
        raise ListenError(f"{option}: cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    return sock


def listen_sockets(addresses: Sequence[tuple[str, int, str]]) -> list[socket.socket]:
    """One listening socket per ``(host, port, option)``; none is left open when one fails."""
    sockets: list[socket.socket] = []
    try:
        for host, port, option in addresses:
            sockets.append(listen_socket(host, port, option=option))
    except ListenError:
        for sock in sockets:
            sock.close()
        raise
    return sockets

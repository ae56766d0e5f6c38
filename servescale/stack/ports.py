"""Free loopback ports for processes the stack starts.

Binding to port 0 asks the kernel for a free port; the socket is closed before the caller's
process binds it, so a race with another process is possible but rare on a test machine.
"""

from __future__ import annotations

import socket


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port on ``host`` that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port

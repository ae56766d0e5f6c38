"""The listening sockets the server binds before uvicorn starts."""

from __future__ import annotations

import asyncio
import socket

import pytest

from servescale.listeners import ListenError, listen_socket, listen_sockets


async def _nodelay_of_accepted(listener: socket.socket) -> int:
    """TCP_NODELAY of the server side of one connection, accepted by asyncio as uvicorn does."""
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Protocol(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    server = await asyncio.get_running_loop().create_server(Protocol, sock=listener)
    try:
        host, port = listener.getsockname()[:2]
        _, writer = await asyncio.open_connection(host, port)
        try:
            return await asyncio.wait_for(accepted, timeout=5)
        finally:
            writer.close()
    finally:
        server.close()
        await server.wait_closed()


@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_accepted_connections_send_without_nagle_delay(host: str) -> None:
    # Without TCP_NODELAY a kept-alive answer written as headers then body waits for the
    # client's delayed ACK (40 ms on Linux) before its body leaves.
    if host == "::1" and not socket.has_ipv6:
        pytest.skip("no IPv6 on this host")
    listener = listen_socket(host, 0, option="--secure-port")
    assert asyncio.run(_nodelay_of_accepted(listener)) != 0


def test_a_busy_port_is_one_error_naming_the_option() -> None:
    first = listen_socket("127.0.0.1", 0, option="--secure-port")
    try:
        port = first.getsockname()[1]
        with pytest.raises(ListenError, match=rf"--health-port: cannot listen on 127.0.0.1:{port}"):
            listen_sockets([("127.0.0.1", 0, "--secure-port"), ("127.0.0.1", port, "--health-port")])
    finally:
        first.close()

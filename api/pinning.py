"""HTTP connections pinned to addresses the SSRF guard already vetted.

Checking a host's addresses and then letting `http.client` connect "to the host" would
resolve it twice: a hostile DNS server can answer a public address to the check and
127.0.0.1 to the connection (DNS rebinding). These connections never resolve anything:
they open the TCP connection to one of the vetted socket addresses, while everything
the server sees still names the URL's host: the `Host` header (http.client builds it
from `host`), and for https the TLS SNI and the certificate check, which verifies the
certificate against the host name with the system's trusted authorities (never
disabled). Nothing here follows redirects: a 3xx is just an answer.
"""

from __future__ import annotations

import errno
import http.client
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Address:
    """One answer of `getaddrinfo`: where to connect (the port included)."""

    family: int
    sockaddr: tuple

    @property
    def ip(self) -> str:
        return self.sockaddr[0]


def open_socket(addresses: Sequence[Address], timeout: float | None) -> socket.socket:
    """A TCP connection to the first of `addresses` that answers (as
    `socket.create_connection` does, but without a DNS lookup)."""
    if not addresses:
        raise OSError(errno.EADDRNOTAVAIL, "no vetted address to connect to")
    failure: OSError | None = None
    for address in addresses:
        sock = socket.socket(address.family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        try:
            sock.settimeout(timeout)
            sock.connect(address.sockaddr)
        except OSError as error:
            sock.close()
            failure = error
            continue
        return sock
    raise failure  # type: ignore[misc]  # at least one address was tried


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Plain HTTP to `host:port` over a socket opened to one of `addresses`."""

    def __init__(
        self, host: str, port: int | None, *, addresses: Sequence[Address], timeout: float
    ) -> None:
        super().__init__(host, port, timeout=timeout)
        self.addresses = tuple(addresses)

    def connect(self) -> None:
        self.sock = open_socket(self.addresses, self.timeout)
        try:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError as error:  # pragma: no cover - platforms without TCP_NODELAY
            if error.errno != errno.ENOPROTOOPT:
                raise


def tls_context() -> ssl.SSLContext:
    """Certificates verified against the system's authorities, host name checked."""
    context = ssl.create_default_context()
    context.set_alpn_protocols(["http/1.1"])
    return context


class PinnedHTTPSConnection(PinnedHTTPConnection):
    """HTTPS to `host:port` over a socket opened to one of `addresses`: TLS names the
    host (SNI) and the certificate must be valid for the host, not for the address."""

    default_port = http.client.HTTPS_PORT

    def __init__(
        self,
        host: str,
        port: int | None,
        *,
        addresses: Sequence[Address],
        timeout: float,
        context: ssl.SSLContext | None = None,
    ) -> None:
        super().__init__(host, port, addresses=addresses, timeout=timeout)
        self.tls = context or tls_context()

    @property
    def server_hostname(self) -> str:
        return self.host

    def connect(self) -> None:
        super().connect()
        self.sock = self.tls.wrap_socket(self.sock, server_hostname=self.server_hostname)

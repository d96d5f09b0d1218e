"""DNS rebinding: the host a delivery connects to is the address the SSRF guard vetted.

A hostile DNS server answers a public address to the guard and 127.0.0.1 right after. Two
real receivers listen on the same port: one on 127.0.0.2, which these tests let the guard
treat as "public" (the vetted address), and one on 127.0.0.1 (the internal service the
attacker is after). A delivery that looked the host up again would reach 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from api import delivery as delivery_module
from api.delivery import delivery_attempt
from api.models import WebhookDelivery, WebhookEndpoint
from api.pinning import Address, PinnedHTTPSConnection
from tests.api.receiver import start_receiver

pytestmark = pytest.mark.django_db

HOST = "hooks.example.test"
VETTED = "127.0.0.2"  # stands in for a public address
INTERNAL = "127.0.0.1"
CA_KEY_USAGE = {
    **dict.fromkeys(
        ("content_commitment", "key_encipherment", "data_encipherment", "key_agreement"), False
    ),
    **dict.fromkeys(("encipher_only", "decipher_only"), False),
    **dict.fromkeys(("digital_signature", "key_cert_sign", "crl_sign"), True),
}


@pytest.fixture
def rebinding_dns(monkeypatch, settings):
    """HOST resolves to VETTED the first time it is asked, then to INTERNAL; and VETTED
    passes the guard as if it were public (every other address is judged as usual)."""
    settings.WEBHOOK_ALLOW_PRIVATE = False
    real_getaddrinfo = socket.getaddrinfo
    real_is_public = delivery_module.is_public
    asked = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host != HOST:
            return real_getaddrinfo(host, port, *args, **kwargs)
        asked.append(host)
        ip = VETTED if len(asked) == 1 else INTERNAL
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (ip, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(
        delivery_module,
        "is_public",
        lambda address: address == ipaddress.ip_address(VETTED) or real_is_public(address),
    )
    return asked


def two_receivers(tls: ssl.SSLContext | None = None):
    """(vetted, internal, servers): receivers on VETTED and INTERNAL, on the same port."""
    for _ in range(20):
        vetted, vetted_server = start_receiver(VETTED, 0, tls)
        port = vetted_server.server_address[1]
        try:
            internal, internal_server = start_receiver(INTERNAL, port, tls)
        except OSError:  # that port is taken on 127.0.0.1: try another
            vetted_server.shutdown()
            vetted_server.server_close()
            continue
        return vetted, internal, port, [vetted_server, internal_server]
    pytest.fail("no port free on both loopback addresses")


def stop(servers):
    for server in servers:
        server.shutdown()
        server.server_close()


def queued_delivery(org, url: str) -> WebhookDelivery:
    endpoint = WebhookEndpoint.objects.create(
        organization=org, url=url, events=["kit.viewed"], secret="whsec_test"
    )
    return WebhookDelivery.objects.create(
        endpoint=endpoint,
        event="kit.viewed",
        event_id="evt_rebinding",
        payload={"id": "evt_rebinding", "type": "kit.viewed", "data": {}},
        next_attempt_at=datetime(2020, 1, 1, tzinfo=UTC),
    )


def test_a_rebinding_host_is_reached_only_at_the_address_the_guard_vetted(org, rebinding_dns):
    vetted, internal, port, servers = two_receivers()
    try:
        sent = delivery_attempt(delivery_id=queued_delivery(org, f"http://{HOST}:{port}/hooks").pk)
    finally:
        stop(servers)
    assert internal.requests == []  # the loopback service never heard of it
    [request] = vetted.requests
    assert request.headers["Host"] == f"{HOST}:{port}"  # the server still sees the host name
    assert request.headers["X-Webhook-Id"] == "evt_rebinding"
    assert (sent.status, sent.response_status) == ("delivered", 200)
    assert rebinding_dns == [HOST]  # one lookup per attempt: the one the guard checked


def test_the_next_attempt_checks_again_and_refuses_the_loopback_answer(org, rebinding_dns):
    vetted, internal, port, servers = two_receivers()
    vetted.answers = [503]
    try:
        delivery = queued_delivery(org, f"http://{HOST}:{port}/hooks")
        first = delivery_attempt(delivery_id=delivery.pk)
        second = delivery_attempt(
            delivery_id=delivery.pk, now=first.next_attempt_at + timedelta(seconds=1)
        )
    finally:
        stop(servers)
    assert [r.path for r in vetted.requests] == ["/hooks"]  # the first attempt, answered 503
    assert internal.requests == []
    assert "resolves to 127.0.0.1, a private, loopback or link-local address" in second.error
    assert second.status == "retrying"


# --- https: SNI and the certificate are for the host name, the socket for the address --


def _certificates(tmp_path, name: str):
    """A throwaway certificate authority (its PEM file) and a server context whose
    certificate it signed for `name`."""
    now = datetime.now(UTC)

    def certificate(subject, issuer, key, signer, *, ca: bool, san: str | None = None):
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if ca:
            builder = builder.add_extension(
                x509.KeyUsage(**CA_KEY_USAGE), critical=True
            ).add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
        else:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False
            ).add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()),
                critical=False,
            )
        return builder.sign(signer, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = certificate("Test CA", "Test CA", ca_key, ca_key, ca=True)
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = certificate(name, "Test CA", leaf_key, ca_key, ca=False, san=name)
    pem = serialization.Encoding.PEM
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(ca.public_bytes(pem))
    chain = tmp_path / "server.pem"
    chain.write_bytes(
        leaf.public_bytes(pem)
        + leaf_key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(chain)
    names = []
    server.sni_callback = lambda sock, server_name, context: names.append(server_name)
    return ca_file, server, names


def test_https_names_the_host_for_sni_and_verifies_its_certificate(
    org, rebinding_dns, tmp_path, monkeypatch
):
    ca_file, server_tls, sni = _certificates(tmp_path, HOST)
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))  # trust the test CA, verify as usual
    vetted, internal, port, servers = two_receivers(server_tls)
    try:
        sent = delivery_attempt(delivery_id=queued_delivery(org, f"https://{HOST}:{port}/hooks").pk)
    finally:
        stop(servers)
    assert internal.requests == []
    [request] = vetted.requests
    assert request.headers["Host"] == f"{HOST}:{port}"
    assert HOST in sni  # SNI named the host, not 127.0.0.2
    assert (sent.status, sent.error) == ("delivered", "")


def test_https_refuses_a_certificate_for_another_name(org, rebinding_dns, tmp_path, monkeypatch):
    ca_file, server_tls, _sni = _certificates(tmp_path, "somewhere-else.example.test")
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    vetted, internal, port, servers = two_receivers(server_tls)
    try:
        sent = delivery_attempt(delivery_id=queued_delivery(org, f"https://{HOST}:{port}/hooks").pk)
    finally:
        stop(servers)
    assert vetted.requests == [] and internal.requests == []
    assert "certificate verify failed" in sent.error
    assert sent.status == "retrying"


def test_the_https_connection_verifies_the_host_name_it_was_given():
    connection = PinnedHTTPSConnection(
        HOST, 8443, addresses=[Address(socket.AF_INET, (VETTED, 8443))], timeout=1
    )
    assert connection.server_hostname == HOST
    assert connection.tls.check_hostname is True
    assert connection.tls.verify_mode == ssl.CERT_REQUIRED

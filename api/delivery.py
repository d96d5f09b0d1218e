"""Sending webhook deliveries: the SSRF guard, the signature, one attempt, what is due.

The guard resolves the endpoint's host once per attempt and the connection goes to the
addresses it vetted, never to a second lookup (`api.pinning`: no DNS rebinding).

See `api.webhooks` for the envelope, the headers and the retry schedule.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from api.models import WebhookDelivery
from api.pinning import Address, PinnedHTTPConnection, PinnedHTTPSConnection

RETRY_FOR = timedelta(hours=24)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)
LEASE = timedelta(minutes=5)  # a claimed attempt that never finished may be retried after
TIMEOUT_SECONDS = 10
USER_AGENT = "ConsensusPlanner-Webhooks/1"


class UnsafeUrl(ValueError):
    pass


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """May a webhook connect to this address? Only to globally routable unicast ones."""
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def _syntax(url: str):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeUrl("The URL must start with http:// or https:// and name a host.")
    if parts.username or parts.password:
        raise UnsafeUrl("The URL may not carry a user name or password.")
    return parts


def vetted_addresses(url: str) -> list[Address]:
    """Resolve the URL's host once and return where a delivery may connect: every answer
    must be a public address (unless `WEBHOOK_ALLOW_PRIVATE`), or the URL is refused.

    The delivery then connects to these very addresses (`api.pinning`): resolving the
    host again to connect would let a DNS server answer differently the second time."""
    parts = _syntax(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(
            parts.hostname, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )
    except (OSError, ValueError) as error:
        raise UnsafeUrl(f"The host {parts.hostname} cannot be resolved.") from error
    addresses = []
    for family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        if not settings.WEBHOOK_ALLOW_PRIVATE and not is_public(address):
            raise UnsafeUrl(
                f"The host {parts.hostname} resolves to {address}, a private, loopback or "
                "link-local address; webhooks only go to public addresses."
            )
        if family in (socket.AF_INET, socket.AF_INET6):
            addresses.append(Address(family, tuple(sockaddr)))
    if not addresses:
        raise UnsafeUrl(f"The host {parts.hostname} cannot be resolved.")
    return addresses


def check_url(url: str) -> None:
    """Refuse anything but http(s) to a host resolving only to public addresses."""
    _syntax(url)
    if not settings.WEBHOOK_ALLOW_PRIVATE:
        vetted_addresses(url)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def connection_for(url: str) -> PinnedHTTPConnection:
    """A connection to the URL's host pinned to the addresses vetted just now."""
    addresses = vetted_addresses(url)
    parts = urlsplit(url)
    connection_class = PinnedHTTPSConnection if parts.scheme == "https" else PinnedHTTPConnection
    return connection_class(
        parts.hostname, parts.port, addresses=addresses, timeout=TIMEOUT_SECONDS
    )


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """One POST; a redirect is an answer like any other (never followed)."""
    connection = connection_for(url)
    try:
        parts = urlsplit(url)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)
        return response.status
    finally:
        connection.close()


def _wait_after(attempts: int) -> timedelta:
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_WAIT)


def delivery_attempt(*, delivery_id: int, now: datetime | None = None) -> WebhookDelivery | None:
    """Send one delivery that is due. Safe to run twice: only one run claims an attempt."""
    now = now or timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id,
        status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.RETRYING],
        next_attempt_at__lte=now,
    ).update(next_attempt_at=now + LEASE)
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if not claimed or delivery is None:
        return delivery
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Webhook-Id": delivery.event_id,
        "X-Webhook-Event": delivery.event,
        "X-Webhook-Timestamp": str(timestamp),
        "X-Webhook-Signature": signature(endpoint.secret, timestamp, body),
    }
    status, error = None, ""
    try:
        status = _post(endpoint.url, body, headers)
        if not 200 <= status < 300:
            error = f"The endpoint answered {status}."
    except UnsafeUrl as refusal:
        error = str(refusal)
    except (OSError, http.client.HTTPException) as failure:
        error = f"Could not reach the endpoint: {failure}"[:300]
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.response_status = status
    delivery.error = error[:300]
    if not error:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    else:
        retry_at = now + _wait_after(delivery.attempts)
        if retry_at > delivery.created_at + RETRY_FOR:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.status = WebhookDelivery.Status.RETRYING
            delivery.next_attempt_at = retry_at
    delivery.save()
    return delivery


def deliveries_due(*, now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(
            status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.RETRYING],
            next_attempt_at__lte=now,
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:500]
    )

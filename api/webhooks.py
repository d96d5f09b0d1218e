"""Webhooks: endpoints admins register, events, signed deliveries with retries.

Every event becomes one `WebhookDelivery` per subscribed endpoint, written in the same
transaction as the change it announces, and sent by Celery once that commits. A delivery
is a POST of the JSON envelope

    {"id": "evt_...", "type": "kit.viewed", "created_at": "...", "organization": "slug",
     "data": {...}}

with `X-Webhook-Timestamp` (Unix seconds) and `X-Webhook-Signature: sha256=HEX`, the
HMAC-SHA256 of `"{timestamp}.{body}"` under the endpoint's secret; receivers recompute it
and refuse old timestamps. A 2xx answer delivers it; anything else (or no answer within
10 seconds) is retried with exponential backoff (1, 2, 4 ... minutes, at most an hour
apart) until 24 hours after the event, then the delivery is marked failed. Redelivering
from the log sends a copy (same event id) at once.

Endpoints must be http(s) URLs whose host resolves only to public addresses (checked when
registered and again before every attempt, and the attempt connects to the addresses
checked, never to a second lookup; redirects are not followed), unless the setting
`WEBHOOK_ALLOW_PRIVATE` (env `WEBHOOK_ALLOW_PRIVATE=1`) is on.

The envelope's `id` (also `X-Webhook-Id`) is the receiver's idempotency key: one per
event, kept by retries and redeliveries. A big change is several events of bounded size
(`touch.created`: at most `api.events.TOUCHES_PER_EVENT` touches each).
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, User
from api.delivery import UnsafeUrl, check_url
from api.models import WebhookDelivery, WebhookEndpoint
from api.tasks import webhook_deliver_task

log = logging.getLogger(__name__)

EVENTS = {
    "kit.built": "A consensus kit finished building.",
    "kit.viewed": "Someone opened a shared kit link.",
    "touch.created": (
        "Touches were recorded (by hand, import, API or a planned send); at most 1,000 per event."
    ),
    "group.readiness_changed": "A group's readiness score changed at a rescoring.",
    "group.drifting": "A group's divergence rose at a rescoring: its story is drifting apart.",
}


@transaction.atomic
def endpoint_create(
    *,
    organization: Organization,
    url: str,
    events: list[str],
    description: str = "",
    by: User | None = None,
) -> WebhookEndpoint:
    """A new endpoint with a new secret (shown to the admin once)."""
    url = url.strip()
    try:
        check_url(url)
    except UnsafeUrl as error:
        raise ValidationError({"url": str(error)}) from error
    unknown = [event for event in events if event not in EVENTS]
    if unknown or not events:
        raise ValidationError({"events": "Choose at least one of the listed events."})
    return WebhookEndpoint.objects.create(
        organization=organization,
        url=url,
        events=[event for event in EVENTS if event in events],
        description=description.strip()[:120],
        secret="whsec_" + secrets.token_urlsafe(32),
        created_by=by,
    )


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    endpoint.delete()


def emit(*, organization_id: int, event: str, data: dict, now: datetime | None = None) -> int:
    """Queue `event` for every active endpoint of the organization that wants it. Call it
    inside the transaction that made the change: deliveries leave once it commits."""
    return emit_parts(organization_id=organization_id, event=event, parts=[data], now=now)


def emit_parts(
    *,
    organization_id: int,
    event: str,
    parts: Iterable[dict],
    now: datetime | None = None,
) -> int:
    """Queue one event per part (a big change told in several events of bounded size):
    each part gets its own event id, which receivers use as its idempotency key. `parts`
    is only read when some endpoint wants the event. Deliveries leave once the calling
    transaction commits (none if it rolls back); how many were queued."""
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(organization_id=organization_id, active=True)
        if event in endpoint.events
    ]
    if not endpoints:
        return 0
    now = now or timezone.now()
    slug = Organization.objects.filter(pk=organization_id).values_list("slug", flat=True).first()
    envelopes = [
        {
            "id": "evt_" + uuid.uuid4().hex,
            "type": event,
            "created_at": now.isoformat(),
            "organization": slug,
            "data": data,
        }
        for data in parts
    ]
    deliveries = WebhookDelivery.objects.bulk_create(
        (
            WebhookDelivery(
                endpoint=endpoint,
                event=event,
                event_id=envelope["id"],
                payload=envelope,
                created_at=now,
                next_attempt_at=now,
            )
            for envelope in envelopes
            for endpoint in endpoints
        ),
        batch_size=500,
    )
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: _enqueue(ids))
    return len(ids)


def _enqueue(ids: list[int]) -> None:
    for delivery_id in ids:
        try:
            webhook_deliver_task.delay(delivery_id)
        except Exception:  # broker down: the retry sweep sends it later
            log.warning("could not enqueue a webhook", extra={"delivery_id": delivery_id})


@transaction.atomic
def delivery_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send the same event to the same endpoint again, now (a new row in the log)."""
    now = timezone.now()
    copy = WebhookDelivery.objects.create(
        endpoint=delivery.endpoint,
        event=delivery.event,
        event_id=delivery.event_id,
        payload=delivery.payload,
        created_at=now,
        next_attempt_at=now,
    )
    transaction.on_commit(lambda: _enqueue([copy.pk]))
    return copy

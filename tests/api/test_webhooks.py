"""Webhooks against a real HTTP receiver on loopback: signatures, retries with backoff
for 24 hours, the SSRF guard, the events, and the admins' pages."""

import hashlib
import hmac
import time
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from api.delivery import UnsafeUrl, check_url
from api.models import WebhookDelivery, WebhookEndpoint
from api.tasks import webhook_retry_task
from api.webhooks import endpoint_create
from kits import services as kits
from scoring.snapshots import snapshot_take
from tests.api.receiver import start_receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    receiver, server = start_receiver()
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def endpoint(org, admin, receiver):
    return endpoint_create(
        organization=org,
        url=receiver.url,
        events=[
            "kit.built",
            "kit.viewed",
            "touch.created",
            "group.readiness_changed",
            "group.drifting",
        ],
        by=admin,
    )


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run on_commit callbacks (the deliveries) as the writes commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def push_touch(api, group, when="2026-11-01T09:00:00Z"):
    body = [{"email": f"p0@{group.pk}.example", "occurred_at": when, "themes": {"security": 1}}]
    return api.post(f"/groups/{group.pk}/touches", body)


def test_a_delivery_is_signed_with_the_endpoints_secret(api, group, endpoint, receiver, commits):
    with commits():
        push_touch(api, group)
    [request] = receiver.requests
    assert request.path == "/hooks"
    timestamp = request.headers["X-Webhook-Timestamp"]
    assert abs(int(timestamp) - time.time()) < 60
    expected = hmac.new(
        endpoint.secret.encode(), f"{timestamp}.".encode() + request.body, hashlib.sha256
    ).hexdigest()
    assert request.headers["X-Webhook-Signature"] == f"sha256={expected}"
    assert request.json["type"] == "touch.created"
    assert request.json["organization"] == "acme"
    assert request.json["data"]["touches"][0]["email"] == f"p0@{group.pk}.example"
    assert request.headers["X-Webhook-Id"] == request.json["id"]
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 1, 200)


def test_nothing_is_sent_for_a_write_that_fails(api, group, endpoint, receiver, commits):
    with commits():
        api.post(f"/groups/{group.pk}/touches", [{"email": "x@y.z", "occurred_at": "2026-11-01"}])
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_an_endpoint_only_gets_the_events_it_chose(org, api, group, receiver, commits):
    endpoint_create(organization=org, url=receiver.url, events=["kit.viewed"])
    with commits():
        push_touch(api, group)
    assert receiver.requests == []


def test_a_failed_delivery_is_retried_with_growing_waits(api, group, endpoint, receiver, commits):
    receiver.answers = [500, 503]
    start = timezone.now()
    with commits():
        push_touch(api, group)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("retrying", 1)
    assert delivery.next_attempt_at == delivery.last_attempt_at + timedelta(minutes=1)
    assert webhook_retry_task() == 0  # not due yet
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert webhook_retry_task() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("retrying", 2, 503)
    assert delivery.next_attempt_at - delivery.last_attempt_at == timedelta(minutes=2)
    with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1), tick=False):
        webhook_retry_task()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 3)
    assert len(receiver.requests) == 3
    assert len({r.json["id"] for r in receiver.requests}) == 1  # the same event each time


def test_retries_stop_after_24_hours(api, group, endpoint, receiver, commits):
    receiver.answers = [500] * 100
    with commits():
        push_touch(api, group)
    delivery = WebhookDelivery.objects.get()
    while delivery.status == "retrying":
        with time_machine.travel(delivery.next_attempt_at, tick=False):
            webhook_retry_task()
        delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.last_attempt_at <= delivery.created_at + timedelta(hours=24)
    assert delivery.last_attempt_at > delivery.created_at + timedelta(hours=22)
    assert 20 <= delivery.attempts <= 40  # backs off to an hour apart, not every minute
    assert len(receiver.requests) == delivery.attempts


def test_a_redirect_is_not_followed(api, group, endpoint, receiver, commits):
    receiver.answers = [302]
    with commits():
        push_touch(api, group)
    assert [r.path for r in receiver.requests] == ["/hooks"]
    assert WebhookDelivery.objects.get().status == "retrying"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://[::1]/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://0.0.0.0/hook",
        "ftp://example.com/hook",
        "file:///etc/passwd",
        "https://user:pass@example.com/hook",
    ],
)
def test_private_loopback_and_link_local_urls_are_refused(org, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(ValidationError):
        endpoint_create(organization=org, url=url, events=["kit.viewed"])
    assert not WebhookEndpoint.objects.exists()


def test_a_public_address_passes_the_guard(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    check_url("https://93.184.215.14/hook")  # a literal public address: no DNS needed


def test_the_guard_is_checked_again_before_each_attempt(
    api, settings, group, endpoint, receiver, commits
):
    settings.WEBHOOK_ALLOW_PRIVATE = False  # e.g. DNS now points the host at 127.0.0.1
    with commits():
        push_touch(api, group)
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert "private, loopback or link-local" in delivery.error
    with pytest.raises(UnsafeUrl):
        check_url(receiver.url)


def test_kit_built_and_kit_viewed(client, group, calculator, endpoint, receiver, admin, commits):
    with commits():
        kit = kits.kit_request(
            group=group,
            by=admin,
            problem_statement="One story.",
            assets=[{"id": calculator.pk, "why": ""}],
            plan=[],
        )
    [built] = receiver.events("kit.built")
    assert built.json["data"]["kit"] == {"id": kit.pk, "version": 1, "status": "ready"}
    kit.refresh_from_db()
    share = kits.share_create(kit=kit, by=admin)
    with commits():
        response = client.get(reverse("shared_kit", args=[kits.share_token(share)]))
    assert response.status_code == 200
    [viewed] = receiver.events("kit.viewed")
    assert viewed.json["data"]["share"] == {"id": share.pk, "views": 1}
    assert viewed.json["data"]["group"] == {"id": group.pk, "name": group.name}


def test_readiness_changed_and_drifting_at_snapshot_time(
    group, endpoint, receiver, commits, calculator
):
    people = list(group.stakeholders.all())
    with commits():
        snapshot_take(group=group)  # the first snapshot has nothing to compare with
    assert receiver.requests == []
    for person in people:  # one shared story: readiness rises
        person.touches.create(group=group, occurred_at=timezone.now(), asset=calculator)
    with commits():
        snapshot_take(group=group)
    [changed] = receiver.events("group.readiness_changed")
    readiness = changed.json["data"]["readiness"]
    assert readiness["after"] > readiness["before"]
    assert receiver.events("group.drifting") == []
    for number, person in enumerate(people[:3]):  # everyone told a story of their own
        person.touches.create(
            group=group, occurred_at=timezone.now(), themes={f"pet-topic-{number}": 5}
        )
    with commits():
        snapshot_take(group=group)
    [drifting] = receiver.events("group.drifting")
    divergence = drifting.json["data"]["divergence"]
    assert divergence["after"] - divergence["before"] >= 0.02


# --- the admins' pages ------------------------------------------------------------------


def test_an_admin_registers_an_endpoint_and_sees_the_secret_once(client, admin, receiver):
    client.force_login(admin)
    response = client.post(
        reverse("webhooks"), {"url": receiver.url, "events": ["kit.viewed", "kit.built"]}
    )
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in response.content.decode()
    assert endpoint.events == ["kit.built", "kit.viewed"]
    assert endpoint.secret not in client.get(reverse("webhooks")).content.decode()


def test_the_page_refuses_a_private_url(client, admin, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    client.force_login(admin)
    response = client.post(
        reverse("webhooks"), {"url": "http://127.0.0.1/x", "events": ["kit.viewed"]}
    )
    assert "private, loopback or link-local" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_redeliver_from_the_log(client, admin, api, group, endpoint, receiver, commits):
    with commits():
        push_touch(api, group)
    delivery = WebhookDelivery.objects.get()
    client.force_login(admin)
    log = client.get(reverse("webhook_detail", args=[endpoint.pk])).content.decode()
    assert "touch.created" in log and "Delivered" in log
    with commits():
        response = client.post(reverse("webhook_redeliver", args=[delivery.pk]))
    assert response.status_code == 303
    assert len(receiver.requests) == 2
    assert receiver.requests[0].json == receiver.requests[1].json
    assert WebhookDelivery.objects.count() == 2


def test_webhook_pages_are_for_admins_of_the_organization(
    client, marketer, other_org_admin, endpoint
):
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="kit.viewed", event_id="evt_1", payload={}
    )
    client.force_login(marketer)
    assert client.get(reverse("webhooks")).status_code == 403
    assert client.get(reverse("webhook_detail", args=[endpoint.pk])).status_code == 403
    client.force_login(other_org_admin)
    assert client.get(reverse("webhook_detail", args=[endpoint.pk])).status_code == 404
    assert client.post(reverse("webhook_redeliver", args=[delivery.pk])).status_code == 404
    assert client.post(reverse("webhook_delete", args=[endpoint.pk])).status_code == 404
    assert WebhookEndpoint.objects.count() == 1
    client.logout()
    assert client.get(reverse("webhooks")).status_code == 302

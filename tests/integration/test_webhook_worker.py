"""A shared kit opened in the web process: a real Celery worker delivers `kit.viewed`,
signed, to a real HTTP receiver on loopback."""

import hashlib
import hmac

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from api.webhooks import endpoint_create
from kits import services as kits
from tests.api.receiver import start_receiver
from tests.factories import OrganizationFactory, group_of, member
from tests.waiting import wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def receiver(settings, monkeypatch):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE", "1")  # for the worker, started after this
    receiver, server = start_receiver()
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def media_root(settings, tmp_path, monkeypatch):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    monkeypatch.setenv("MEDIA_ROOT", str(root))
    return root


@pytest.fixture
def worker(receiver, media_root, celery_worker_process):
    return celery_worker_process


def wait_for(receiver, event: str, seconds: float = 30.0):
    wait_until(
        lambda: receiver.events(event),
        seconds=seconds,
        what=f"a {event} delivery to the receiver",
    )
    return receiver.events(event)


def test_opening_a_shared_kit_sends_kit_viewed_through_the_worker(worker, receiver):
    org = OrganizationFactory(slug="acme-webhooks")
    rep = member(org, Role.ADMIN, email="rep@acme-hooks.test", name="Rita Rep")
    group = group_of(org, 3, name="Webhook deal")
    endpoint = endpoint_create(
        organization=org, url=receiver.url, events=["kit.viewed", "kit.built"], by=rep
    )
    kit = kits.kit_request(
        group=group, by=rep, problem_statement="One story.", assets=[], plan=[], enqueue=False
    )
    kit = kits.kit_build(kit_id=kit.pk)
    wait_for(receiver, "kit.built")
    share = kits.share_create(kit=kit, by=rep)
    assert Client().get(reverse("shared_kit", args=[kits.share_token(share)])).status_code == 200
    [viewed] = wait_for(receiver, "kit.viewed")
    timestamp = viewed.headers["X-Webhook-Timestamp"]
    mac = hmac.new(endpoint.secret.encode(), f"{timestamp}.".encode() + viewed.body, hashlib.sha256)
    assert viewed.headers["X-Webhook-Signature"] == "sha256=" + mac.hexdigest()
    assert viewed.json["data"]["kit"]["id"] == kit.pk

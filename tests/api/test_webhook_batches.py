"""A big change is told in several `touch.created` events of bounded size: a 2,500-touch
import is three events (1,000 + 1,000 + 500), each with its own id (the receiver's
idempotency key) and the batch they belong to, sent only once the import commits."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from api.events import TOUCHES_PER_EVENT
from api.models import WebhookDelivery
from api.webhooks import endpoint_create
from planner.importing import import_apply, import_plan
from planner.models import BuyingGroup, Touch
from tests.api.receiver import start_receiver

pytestmark = pytest.mark.django_db

PEOPLE = 40
MAX_EVENT_BYTES = 256 * 1024


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
        organization=org, url=receiver.url, events=["touch.created", "kit.built"], by=admin
    )


@pytest.fixture
def empty_group(org):
    return BuyingGroup.objects.create(organization=org, name="Northwind expansion")


def files(rows: int) -> dict[str, bytes]:
    people = "email,name\n" + "".join(
        f"person.{i}@northwind.example,Person {i}\n" for i in range(PEOPLE)
    )
    start = datetime(2026, 1, 1, tzinfo=UTC)
    lines = ["email,occurred_at,channel,asset,themes"]
    for i in range(rows):
        moment = (start + timedelta(minutes=i)).isoformat()
        lines.append(f"person.{i % PEOPLE}@northwind.example,{moment},email,,security:1")
    return {"stakeholders": people.encode(), "touches": ("\n".join(lines) + "\n").encode()}


def import_touches(group, rows: int):
    plan = import_plan(group=group, **files(rows))
    assert plan.ok, plan.problems[:3]
    return import_apply(group=group, plan=plan)


def test_a_2500_touch_import_is_three_events_of_bounded_size(
    empty_group, endpoint, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_touches(empty_group, 2_500)
    events = receiver.events("touch.created")
    assert len(events) == 3
    bodies = sorted((e.json for e in events), key=lambda body: body["data"]["batch"]["part"])
    assert [b["data"]["count"] for b in bodies] == [1_000, 1_000, 500]
    assert [len(b["data"]["touches"]) for b in bodies] == [1_000, 1_000, 500]
    assert [(b["data"]["batch"]["part"], b["data"]["batch"]["parts"]) for b in bodies] == [
        (1, 3),
        (2, 3),
        (3, 3),
    ]
    assert {b["data"]["batch"]["touches"] for b in bodies} == {2_500}
    assert len({b["data"]["batch"]["id"] for b in bodies}) == 1  # one change
    assert len({b["id"] for b in bodies}) == 3  # one idempotency key per part
    assert all(e.headers["X-Webhook-Id"] == e.json["id"] for e in events)
    sent = [touch["id"] for body in bodies for touch in body["data"]["touches"]]
    assert sorted(sent) == sorted(
        Touch.objects.filter(group=empty_group).values_list("pk", flat=True)
    )
    assert len(set(sent)) == 2_500  # every touch once, none twice
    assert all(len(e.body) < MAX_EVENT_BYTES for e in events)
    assert WebhookDelivery.objects.filter(status="delivered").count() == 3


def test_a_small_change_is_one_event_that_says_it_is_the_whole_batch(
    empty_group, endpoint, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_touches(empty_group, 3)
    [event] = receiver.events("touch.created")
    data = event.json["data"]
    assert (data["count"], data["batch"]["part"], data["batch"]["parts"]) == (3, 1, 1)
    assert data["batch"]["touches"] == 3


def test_exactly_a_thousand_touches_is_one_event(empty_group, endpoint, receiver, commits):
    with commits():
        import_touches(empty_group, TOUCHES_PER_EVENT)
    [event] = receiver.events("touch.created")
    assert event.json["data"]["count"] == TOUCHES_PER_EVENT


def test_no_event_leaves_before_the_import_commits(
    empty_group, endpoint, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        import_touches(empty_group, 2_500)
        assert receiver.requests == []
    assert receiver.requests == []  # queued, waiting for the commit
    for callback in callbacks:
        callback()
    assert len(receiver.events("touch.created")) == 3


def test_an_import_rolled_back_after_its_touches_were_written_sends_nothing(
    empty_group, endpoint, receiver, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        import_touches(empty_group, 2_500)
        raise RuntimeError("the import's transaction fails after the touches")
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()
    assert not Touch.objects.exists()


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)

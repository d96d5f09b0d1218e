"""Real Redis, real Celery worker processes, a real SMTP server: every due user gets
exactly one digest, even when a worker is killed mid-send or dispatchers race."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import F

from accounts.models import Membership, User
from digests.models import CLAIM_TIMEOUT, DigestOutbox
from digests.tasks import digest_dispatch_task
from tests import waiting
from tests.digests.conftest import MONDAY

pytestmark = pytest.mark.integration

USERS = 200
ZONES = ("Europe/Berlin", "Asia/Tokyo", "America/Los_Angeles")  # all due at MONDAY
Status = DigestOutbox.Status


def make_users(org, count: int = USERS) -> list[User]:
    users = User.objects.bulk_create(
        User(email=f"person{n:03d}@acme.test", name=f"Person {n}", time_zone=ZONES[n % 3])
        for n in range(count)
    )
    users = list(User.objects.filter(email__endswith="@acme.test", name__startswith="Person"))
    Membership.objects.bulk_create(Membership(user=u, organization=org) for u in users)
    return users


def wait_until(condition, seconds: float, what: str) -> None:
    waiting.wait_until(condition, seconds=seconds, what=what)


def settle(redis_url: str) -> None:
    """Wait until nothing is left to send: no task queued, no digest being sent (a task
    still running finds nothing to claim); anything late would have arrived by then."""
    idle = waiting.broker_idle(redis_url, reserved=False)
    wait_until(
        lambda: idle() and not DigestOutbox.objects.filter(status=Status.SENDING).exists(),
        30,
        "the workers to finish",
    )


def sent() -> int:
    return DigestOutbox.objects.filter(status=Status.SENT).count()


def assert_one_each(sink, users) -> None:
    messages = sink.messages()
    assert Counter(m["To"] for m in messages) == Counter(u.email for u in users)
    assert len({m["Message-ID"] for m in messages}) == len(users)
    assert {m.get_content_type() for m in messages} == {"multipart/alternative"}
    assert all(
        m["List-Unsubscribe"].strip().startswith("<https://app.example.com/digest/unsubscribe/")
        for m in messages
    )


def test_200_due_users_get_exactly_200_emails(
    busy_week, org, digest_sink, digest_workers, redis_url
):
    users = make_users(org)
    sink, host, port = digest_sink()
    digest_workers(host, port)

    digest_dispatch_task.delay(MONDAY.isoformat())

    wait_until(lambda: sent() == USERS, 45, f"{USERS} digests marked sent")
    settle(redis_url)
    assert len(sink.envelopes) == USERS
    assert_one_each(sink, users)
    assert set(DigestOutbox.objects.values_list("iso_year", "iso_week")) == {(2026, 24), (2026, 23)}


def test_a_worker_killed_mid_send_and_restarted_still_sends_one_each(
    busy_week, org, digest_sink, digest_workers, redis_url
):
    users = make_users(org)
    sink, host, port = digest_sink(hang_on=60)  # the 60th message never gets its "250"
    worker = digest_workers(host, port)
    digest_dispatch_task.delay(MONDAY.isoformat())
    assert sink.hanging.wait(45), "the worker never reached the 60th message"

    worker.kill()  # SIGKILL while the SMTP server holds message 60
    sink.release.set()
    assert len(sink.envelopes) == 59
    stuck = DigestOutbox.objects.filter(status=Status.SENDING)
    assert stuck.count() == 1
    [victim] = stuck
    # Time passes: the dead worker's claim grows older than the timeout.
    stuck.update(claimed_at=F("claimed_at") - CLAIM_TIMEOUT - timedelta(minutes=1))

    digest_workers(host, port)  # restarted; the queued chunks are still in Redis
    digest_dispatch_task.delay(MONDAY.isoformat())  # and the next hourly run comes

    wait_until(lambda: sent() == USERS, 45, f"{USERS} digests marked sent")
    settle(redis_url)
    assert len(sink.envelopes) == USERS
    assert_one_each(sink, users)
    victim.refresh_from_db()
    assert (victim.status, victim.attempts) == (Status.SENT, 2)


def test_dispatchers_racing_send_no_duplicates(
    busy_week, org, digest_sink, digest_workers, settings, redis_url
):
    users = make_users(org)
    sink, host, port = digest_sink()
    digest_workers(host, port, pool="prefork", concurrency=2)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = host, port

    # Two dispatchers at once on two worker processes, and the command inline here.
    digest_dispatch_task.delay(MONDAY.isoformat())
    digest_dispatch_task.delay(MONDAY.isoformat())
    call_command("send_digests", "--now", MONDAY.isoformat())

    wait_until(lambda: sent() == USERS, 45, f"{USERS} digests marked sent")
    settle(redis_url)
    assert len(sink.envelopes) == USERS
    assert_one_each(sink, users)
    assert DigestOutbox.objects.count() == USERS

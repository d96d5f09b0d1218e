"""The hourly dispatcher and the chunks it enqueues: late-acknowledged and retried, safe to
run twice, to crash (a dead worker's claim is taken over) and to be redelivered late."""

from datetime import UTC, datetime, timedelta
from smtplib import SMTPException

from celery.schedules import crontab
from django.core import mail

from accounts.models import Membership
from config.celery import app as celery_app
from digests import tasks
from digests.models import CLAIM_TIMEOUT, DigestOutbox
from digests.schedule import Week
from digests.selectors import digests_due
from digests.services import digest_send_chunk
from tests.digests.conftest import MONDAY
from tests.digests.digest_runs import Status, send, weeks_sent
from tests.factories import member


def test_a_claim_of_a_worker_that_died_is_taken_over_after_the_timeout(clock, berlin):
    week = Week(2026, 24)
    row = DigestOutbox.objects.create(
        user=berlin,
        organization=Membership.objects.get(user=berlin).organization,
        iso_year=week.year,
        iso_week=week.week,
        status=Status.SENDING,
        attempts=1,
        claimed_at=MONDAY - CLAIM_TIMEOUT + timedelta(minutes=1),
    )

    send()  # a live claim: somebody is sending it right now
    assert mail.outbox == []

    clock.move_to(MONDAY + timedelta(minutes=2))  # the claim is now older than the timeout
    send()
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 2)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == row.message_id


def test_unsubscribed_or_gone_between_dispatch_and_send_gets_nothing(clock, org, busy_week):
    left = member(org, email="left@acme.test", time_zone="Europe/Berlin")
    stopped = member(org, email="stopped@acme.test", time_zone="Europe/Berlin")
    pairs = [d.pair for d in digests_due(MONDAY)]
    assert len(pairs) == 2

    Membership.objects.filter(user=left).delete()
    stopped.digest_enabled = False
    stopped.save()
    tally = digest_send_chunk(pairs=pairs, now=MONDAY)

    assert mail.outbox == []
    assert tally.counts == {"off": 2}


def test_the_same_chunk_twice_sends_each_digest_once(clock, org, busy_week):
    for n in range(3):
        member(org, email=f"p{n}@acme.test", time_zone="Europe/Berlin")
    pairs = [d.pair for d in digests_due(MONDAY)]

    first = digest_send_chunk(pairs=pairs, now=MONDAY)
    again = digest_send_chunk(pairs=pairs, now=MONDAY)

    assert first.counts == {"sent": 3} and again.counts == {"busy": 3}
    assert len(mail.outbox) == 3


def test_the_dispatcher_enqueues_chunks_and_a_second_dispatch_none(
    clock, org, busy_week, monkeypatch
):
    monkeypatch.setattr(tasks, "CHUNK_SIZE", 2)
    for n in range(5):
        member(org, email=f"p{n}@acme.test", time_zone="Europe/Berlin")

    assert tasks.digest_dispatch_task.delay().get() == 3  # eager here: chunks run inline
    assert tasks.digest_dispatch_task.delay(MONDAY.isoformat()).get() == 0

    assert sorted(m.to[0] for m in mail.outbox) == [f"p{n}@acme.test" for n in range(5)]


def test_a_late_chunk_still_sends_the_week_it_was_dispatched_for(clock, berlin):
    pairs = [d.pair for d in digests_due(MONDAY)]
    clock.move_to(datetime(2026, 6, 15, 3, 0, tzinfo=UTC))  # redelivered next week, early

    tasks.digest_send_chunk_task.delay(pairs, MONDAY.isoformat())

    assert weeks_sent(berlin) == ["2026-W24"]


def test_tasks_are_late_acknowledged_retried_and_scheduled_hourly():

    task = tasks.digest_send_chunk_task
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True
    assert set(task.autoretry_for) == {SMTPException, OSError}
    assert task.retry_backoff
    entry = celery_app.conf.beat_schedule["send-digests-hourly"]
    assert entry["task"] == "digests.tasks.digest_dispatch_task"
    assert entry["schedule"] == crontab(minute=5)
    assert entry["task"] in celery_app.tasks

"""Once per user, organization and week, at the moment each user chose in their own time
zone; safe to run twice, to crash and to retry."""

from datetime import UTC, datetime, timedelta
from smtplib import (
    SMTPConnectError,
    SMTPDataError,
    SMTPRecipientsRefused,
    SMTPSenderRefused,
    SMTPServerDisconnected,
)

import pytest
from celery.schedules import crontab
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Membership
from config.celery import app as celery_app
from digests import tasks
from digests.models import CLAIM_TIMEOUT, DigestOutbox
from digests.schedule import Week
from digests.selectors import digests_due
from digests.services import MailServerUnavailable, digest_send_chunk, server_wide
from tests.digests.conftest import MONDAY
from tests.factories import member

Status = DigestOutbox.Status


def send(capsys=None, *args) -> str:
    call_command("send_digests", *args)
    return capsys.readouterr().out if capsys else ""


def weeks_sent(user) -> list[str]:
    return [
        f"{r.iso_year}-W{r.iso_week:02d}"
        for r in DigestOutbox.objects.filter(user=user, status=Status.SENT).order_by(
            "iso_year", "iso_week"
        )
    ]


@pytest.fixture
def berlin(org, busy_week, news_every_week):
    return member(org, email="berlin@acme.test", name="Bea Berlin", time_zone="Europe/Berlin")


def test_run_twice_the_second_run_sends_nothing(clock, berlin, capsys):
    first = send(capsys)
    second = send(capsys)

    assert len(mail.outbox) == 1
    assert first.strip() == (
        "send_digests 2026-06-08T06:05:00+00:00: 1 due, 1 sent, 0 skipped (quiet week), 0 failed"
    )
    assert second.strip() == (
        "send_digests 2026-06-08T06:05:00+00:00: 0 due, 0 sent, 0 skipped (quiet week), 0 failed"
    )
    row = DigestOutbox.objects.get(user=berlin)
    assert (row.status, row.iso_year, row.iso_week, row.attempts) == (Status.SENT, 2026, 24, 1)
    assert row.sent_at == MONDAY
    assert row.claimed_at == MONDAY
    assert row.message_id == mail.outbox[0].extra_headers["Message-ID"]


def test_tokyo_and_los_angeles_each_get_it_at_their_own_monday_eight(clock, org, news_every_week):
    tokyo = member(org, email="tokyo@acme.test", time_zone="Asia/Tokyo")
    la = member(org, email="la@acme.test", time_zone="America/Los_Angeles")

    clock.move_to(datetime(2026, 6, 1, 15, 5, tzinfo=UTC))  # LA: Monday 1 June 08:05
    send()
    assert weeks_sent(tokyo) == ["2026-W23"] and weeks_sent(la) == ["2026-W23"]

    clock.move_to(datetime(2026, 6, 7, 22, 55, tzinfo=UTC))  # Tokyo: Monday 07:55
    send()
    assert weeks_sent(tokyo) == ["2026-W23"]
    clock.move_to(datetime(2026, 6, 7, 23, 5, tzinfo=UTC))  # Tokyo: Monday 08:05
    send()
    assert weeks_sent(tokyo) == ["2026-W23", "2026-W24"]
    assert weeks_sent(la) == ["2026-W23"]  # Sunday 16:05 in LA: week 23, already sent

    clock.move_to(datetime(2026, 6, 8, 14, 55, tzinfo=UTC))  # LA: Monday 07:55
    send()
    assert weeks_sent(la) == ["2026-W23"]
    clock.move_to(datetime(2026, 6, 8, 15, 5, tzinfo=UTC))  # LA: Monday 08:05
    send()
    assert weeks_sent(la) == ["2026-W23", "2026-W24"]
    assert weeks_sent(tokyo) == ["2026-W23", "2026-W24"]
    assert len(mail.outbox) == 4


def test_berlin_the_week_summer_time_starts(clock, org, news_every_week):
    berlin = member(org, email="berlin@acme.test", time_zone="Europe/Berlin")

    clock.move_to(datetime(2026, 3, 23, 6, 5, tzinfo=UTC))  # 07:05 CET: not yet
    send()
    assert weeks_sent(berlin) == []
    clock.move_to(datetime(2026, 3, 23, 7, 5, tzinfo=UTC))  # 08:05 CET
    send()
    assert weeks_sent(berlin) == ["2026-W13"]

    clock.move_to(datetime(2026, 3, 30, 5, 5, tzinfo=UTC))  # 07:05 CEST: not yet
    send()
    assert weeks_sent(berlin) == ["2026-W13"]
    clock.move_to(datetime(2026, 3, 30, 6, 5, tzinfo=UTC))  # 08:05 CEST, an hour earlier in UTC
    send()
    assert weeks_sent(berlin) == ["2026-W13", "2026-W14"]


def test_berlin_the_night_the_clocks_go_back_sends_once(clock, org, news_every_week):
    berlin = member(org, email="berlin@acme.test", time_zone="Europe/Berlin")
    berlin.digest_weekday, berlin.digest_hour = 6, 2  # Sunday 02:00, which happens twice
    berlin.save()

    for hour in (0, 1, 2):  # 02:05 CEST, 02:05 CET, 03:05 CET
        clock.move_to(datetime(2026, 10, 25, hour, 5, tzinfo=UTC))
        send()

    assert weeks_sent(berlin) == ["2026-W43"]
    assert len(mail.outbox) == 1


def test_week_boundary_sunday_2330_and_monday_0030_local(clock, org, news_every_week):
    la = member(org, email="la@acme.test", time_zone="America/Los_Angeles")
    la.digest_hour = 0  # Monday 00:00
    la.save()
    clock.move_to(datetime(2026, 6, 1, 7, 5, tzinfo=UTC))  # Monday 1 June 00:05 in LA
    send()
    assert weeks_sent(la) == ["2026-W23"]

    clock.move_to(datetime(2026, 6, 8, 6, 30, tzinfo=UTC))  # Sunday 7 June 23:30 in LA
    send()
    assert weeks_sent(la) == ["2026-W23"]
    clock.move_to(datetime(2026, 6, 8, 7, 30, tzinfo=UTC))  # Monday 8 June 00:30 in LA
    send()
    assert weeks_sent(la) == ["2026-W23", "2026-W24"]


def test_beat_down_on_monday_catches_up_later_that_week_once(clock, berlin):
    clock.move_to(datetime(2026, 6, 10, 12, 5, tzinfo=UTC))  # Wednesday
    send()
    clock.move_to(datetime(2026, 6, 11, 12, 5, tzinfo=UTC))  # Thursday
    send()
    assert weeks_sent(berlin) == ["2026-W24"]
    assert len(mail.outbox) == 1

    clock.move_to(datetime(2026, 6, 15, 6, 5, tzinfo=UTC))  # next Monday 08:05
    send()
    assert weeks_sent(berlin) == ["2026-W24", "2026-W25"]


def test_a_quiet_week_sends_nothing_and_is_not_retried(clock, org, capsys):
    quiet = member(org, email="quiet@acme.test", time_zone="Europe/Berlin")

    out = send(capsys)
    send()

    assert mail.outbox == []
    assert "0 sent, 1 skipped (quiet week)" in out
    row = DigestOutbox.objects.get(user=quiet)
    assert (row.status, row.attempts) == (Status.SKIPPED, 1)
    assert digests_due(MONDAY) == []


def test_turned_off_inactive_and_not_yet_due_users_get_nothing(clock, org, busy_week):
    member(org, email="off@acme.test", time_zone="Europe/Berlin", digest_enabled=False)
    member(org, email="gone@acme.test", time_zone="Europe/Berlin", is_active=False)
    member(org, email="later@acme.test", time_zone="Europe/Berlin", digest_hour=9)

    send()

    assert mail.outbox == []
    assert DigestOutbox.objects.count() == 0


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


class DisconnectingBackend(LocmemBackend):
    def send_messages(self, messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


class RefusingBackend(LocmemBackend):
    def send_messages(self, messages):
        if "refused@acme.test" in messages[0].to:
            raise SMTPRecipientsRefused({"refused@acme.test": (550, b"No such user")})
        return super().send_messages(messages)


def test_a_mail_server_failure_counts_no_attempt_and_sends_on_the_next_run(clock, berlin, settings):
    settings.EMAIL_BACKEND = "tests.digests.test_sending.DisconnectingBackend"
    for _ in range(12):  # more runs than MAX_ATTEMPTS: an outage spends nobody's budget
        with pytest.raises(CommandError, match="MailServerUnavailable"):
            send()
    row = DigestOutbox.objects.get(user=berlin)
    assert (row.status, row.attempts) == (Status.PENDING, 0)
    assert "Connection unexpectedly closed" in row.error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send()
    row.refresh_from_db()
    assert (row.status, row.attempts, row.error) == (Status.SENT, 1, "")
    assert len(mail.outbox) == 1


class FlakyServer(LocmemBackend):
    """Answers `CODE` to the RCPT of every message, as a server shutting down does (421),
    or as one that refuses a mailbox (550)."""

    code = 421

    def send_messages(self, messages):
        to = messages[0].to[0]
        raise SMTPRecipientsRefused({to: (self.code, b"Service not available")})


class RefusingAll(FlakyServer):
    code = 550


@pytest.mark.parametrize(
    "error",
    [
        SMTPRecipientsRefused({"x@acme.test": (421, b"Service not available, closing")}),
        SMTPConnectError(421, b"Too busy, try later"),
        SMTPServerDisconnected("Connection unexpectedly closed"),
        SMTPDataError(451, b"Local error in processing"),
        SMTPSenderRefused(421, b"Try later", "noreply@localhost"),
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError("timed out"),
    ],
)
def test_failures_of_the_mail_server_are_not_failures_of_a_recipient(error):
    assert server_wide(error)


@pytest.mark.parametrize(
    "error",
    [
        SMTPRecipientsRefused({"x@acme.test": (550, b"No such user")}),
        SMTPRecipientsRefused({"x@acme.test": (452, b"Mailbox full")}),
        SMTPDataError(554, b"Message rejected as spam"),
    ],
)
def test_errors_that_name_the_recipient_or_the_message_count(error):
    assert not server_wide(error)


def test_421_at_rcpt_stops_the_chunk_and_counts_against_nobody(clock, org, busy_week, settings):
    settings.EMAIL_BACKEND = "tests.digests.test_sending.FlakyServer"
    people = [member(org, email=f"p{n}@acme.test", time_zone="Europe/Berlin") for n in range(3)]
    pairs = [d.pair for d in digests_due(MONDAY)]
    for _ in range(12):
        with pytest.raises(MailServerUnavailable):
            digest_send_chunk(pairs=pairs, now=MONDAY)
    rows = DigestOutbox.objects.filter(user__in=people)
    assert set(rows.values_list("status", "attempts")) == {(Status.PENDING, 0)}
    assert rows.count() == 1  # the chunk stopped at its first digest every time
    assert len(digests_due(MONDAY)) == 3  # all still due: the next dispatch sends them

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert digest_send_chunk(pairs=pairs, now=MONDAY).counts == {"sent": 3}


def test_a_refused_mailbox_counts_against_that_recipient_only(clock, berlin, settings):
    settings.EMAIL_BACKEND = "tests.digests.test_sending.RefusingAll"
    pairs = [d.pair for d in digests_due(MONDAY)]
    tally = digest_send_chunk(pairs=pairs, now=MONDAY)
    assert tally.counts == {"failed": 1} and "550" in tally.errors[0]
    row = DigestOutbox.objects.get(user=berlin)
    assert (row.status, row.attempts) == (Status.FAILED, 1)


def test_a_refused_recipient_does_not_stop_the_others(clock, org, busy_week, settings):
    settings.EMAIL_BACKEND = "tests.digests.test_sending.RefusingBackend"
    member(org, email="refused@acme.test", time_zone="Europe/Berlin")
    member(org, email="fine@acme.test", time_zone="Europe/Berlin")

    with pytest.raises(CommandError, match=r"1 failed, first: refused@acme\.test"):
        send()

    assert [m.to for m in mail.outbox] == [["fine@acme.test"]]
    statuses = dict(DigestOutbox.objects.values_list("user__email", "status"))
    assert statuses == {"refused@acme.test": Status.FAILED, "fine@acme.test": Status.SENT}


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
    from smtplib import SMTPException

    task = tasks.digest_send_chunk_task
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True
    assert set(task.autoretry_for) == {SMTPException, OSError}
    assert task.retry_backoff
    entry = celery_app.conf.beat_schedule["send-digests-hourly"]
    assert entry["task"] == "digests.tasks.digest_dispatch_task"
    assert entry["schedule"] == crontab(minute=5)
    assert entry["task"] in celery_app.tasks


def test_dry_run_lists_who_would_get_one_and_writes_nothing(clock, org, busy_week, capsys):
    member(org, email="berlin@acme.test", time_zone="Europe/Berlin")
    member(org, email="tokyo@acme.test", time_zone="Asia/Tokyo")
    member(org, email="la@acme.test", time_zone="America/Los_Angeles")  # Sunday: week 23

    out = send(capsys, "--dry-run", "--now", "2026-06-08T06:05:00+00:00")

    assert out.splitlines() == [
        "berlin@acme.test\tAcme Corp\t2026-W24\tdue since Mon 2026-06-08 08:00 (Europe/Berlin)"
        "\twould send",
        "tokyo@acme.test\tAcme Corp\t2026-W24\tdue since Mon 2026-06-08 08:00 (Asia/Tokyo)"
        "\twould send",
        "la@acme.test\tAcme Corp\t2026-W23\tdue since Mon 2026-06-01 08:00 (America/Los_Angeles)"
        "\twould send",
        "send_digests --dry-run 2026-06-08T06:05:00+00:00: 3 due, 3 would be sent, "
        "0 quiet (would skip); nothing sent",
    ]
    assert mail.outbox == []
    assert DigestOutbox.objects.count() == 0


def test_now_option_is_the_moment_used_and_a_bare_time_means_utc(db, org, busy_week):
    berlin = member(org, email="berlin@acme.test", time_zone="Europe/Berlin")

    call_command("send_digests", "--now", "2026-06-08T05:55:00")  # 07:55 in Berlin
    assert weeks_sent(berlin) == []
    call_command("send_digests", "--now", "2026-06-08T08:05:00+02:00")
    assert weeks_sent(berlin) == ["2026-W24"]
    assert DigestOutbox.objects.get(user=berlin).claimed_at <= timezone.now()


def test_a_bad_now_is_refused_with_a_reason(db):
    with pytest.raises(CommandError, match="not an ISO 8601 date and time"):
        call_command("send_digests", "--now", "next monday")

"""Once per user, organization and week, at the moment each user chose in their own time
zone; safe to run twice; a quiet week sends nothing; the command's --dry-run and --now."""

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from digests.models import DigestOutbox
from digests.selectors import digests_due
from tests.digests.conftest import MONDAY
from tests.digests.digest_runs import Status, send, weeks_sent
from tests.factories import member


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

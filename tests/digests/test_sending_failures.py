"""A mail server that is down, busy or closing (421) stops the run and costs nobody an
attempt; a refused mailbox (550) fails that recipient only, and the others still get theirs."""

from smtplib import (
    SMTPConnectError,
    SMTPDataError,
    SMTPRecipientsRefused,
    SMTPSenderRefused,
    SMTPServerDisconnected,
)

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import CommandError

from digests.models import DigestOutbox
from digests.selectors import digests_due
from digests.services import MailServerUnavailable, digest_send_chunk, server_wide
from tests.digests.conftest import MONDAY
from tests.digests.digest_runs import Status, send
from tests.factories import member


class DisconnectingBackend(LocmemBackend):
    def send_messages(self, messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


class RefusingBackend(LocmemBackend):
    def send_messages(self, messages):
        if "refused@acme.test" in messages[0].to:
            raise SMTPRecipientsRefused({"refused@acme.test": (550, b"No such user")})
        return super().send_messages(messages)


def test_a_mail_server_failure_counts_no_attempt_and_sends_on_the_next_run(clock, berlin, settings):
    settings.EMAIL_BACKEND = "tests.digests.test_sending_failures.DisconnectingBackend"
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
    settings.EMAIL_BACKEND = "tests.digests.test_sending_failures.FlakyServer"
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
    settings.EMAIL_BACKEND = "tests.digests.test_sending_failures.RefusingAll"
    pairs = [d.pair for d in digests_due(MONDAY)]
    tally = digest_send_chunk(pairs=pairs, now=MONDAY)
    assert tally.counts == {"failed": 1} and "550" in tally.errors[0]
    row = DigestOutbox.objects.get(user=berlin)
    assert (row.status, row.attempts) == (Status.FAILED, 1)


def test_a_refused_recipient_does_not_stop_the_others(clock, org, busy_week, settings):
    settings.EMAIL_BACKEND = "tests.digests.test_sending_failures.RefusingBackend"
    member(org, email="refused@acme.test", time_zone="Europe/Berlin")
    member(org, email="fine@acme.test", time_zone="Europe/Berlin")

    with pytest.raises(CommandError, match=r"1 failed, first: refused@acme\.test"):
        send()

    assert [m.to for m in mail.outbox] == [["fine@acme.test"]]
    statuses = dict(DigestOutbox.objects.values_list("user__email", "status"))
    assert statuses == {"refused@acme.test": Status.FAILED, "fine@acme.test": Status.SENT}

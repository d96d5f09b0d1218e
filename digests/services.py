"""Sending weekly digests exactly once per user, organization and week (as far as SMTP
allows), and turning them off.

The protocol, for one digest:

1. `digest_claim`: create the DigestOutbox row of (user, organization, ISO week in the
   user's time zone) if it is missing, then take it with one conditional UPDATE
   (pending/failed -> sending, or a "sending" claim older than CLAIM_TIMEOUT, whose worker
   died). Only one of any number of concurrent senders wins; the others do nothing.
2. Build and send the email over SMTP, outside any transaction.
3. Mark the row sent (with the Message-ID), or failed with the error.

SMTP has no transactions: a crash after the server accepted the message and before step 3
leaves the row "sending"; after CLAIM_TIMEOUT it is claimed again and the digest is sent a
second time, with the same Message-ID (mail systems de-duplicate on it). That window is a
few milliseconds per message; everything else sends at most once.

A failure of the mail server is not a failure of a recipient (`server_wide`): connection
refused or dropped, a 4xx greeting, 421 at any stage, a 4xx to MAIL FROM or DATA. Then
the row is released without counting an attempt and the whole chunk stops and backs off
(`MailServerUnavailable`; the task retries it, and the hourly dispatcher enqueues what is
still due), so an outage spends nobody's MAX_ATTEMPTS and every digest goes out once the
server is back within the week. Only errors that name the recipient (refused at RCPT, a
5xx to the message) count, and they do not stop the others.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from smtplib import (
    SMTPConnectError,
    SMTPException,
    SMTPHeloError,
    SMTPRecipientsRefused,
    SMTPResponseException,
    SMTPSenderRefused,
    SMTPServerDisconnected,
)

from django.core.mail import EmailMessage, get_connection
from django.db.models import F
from django.utils import timezone

from accounts.models import Membership, Organization, User
from digests.emails import digest_email
from digests.models import DigestOutbox
from digests.schedule import Week, due_state, zone
from digests.selectors import DigestContent, digest_content

log = logging.getLogger(__name__)
Status = DigestOutbox.Status

SENT, SKIPPED, BUSY, NOT_DUE, OFF, FAILED, DEFERRED = (
    "sent",
    "skipped",
    "busy",
    "not_due",
    "off",
    "failed",
    "deferred",
)
SERVICE_NOT_AVAILABLE = 421


class MailServerUnavailable(SMTPException):
    """The mail server, not a recipient, failed: the chunk stops and is retried later."""


def server_wide(error: BaseException) -> bool:
    """True when `error` says the mail server (or the way to it) is failing, whoever the
    message was for; False when it names this recipient or this message."""
    if isinstance(error, SMTPRecipientsRefused):
        codes = {code for code, _message in error.recipients.values()}
        return bool(codes) and codes <= {SERVICE_NOT_AVAILABLE}
    if isinstance(error, (SMTPServerDisconnected, SMTPConnectError, SMTPHeloError)):
        return True
    if isinstance(error, SMTPSenderRefused):  # MAIL FROM: about us, not the recipient
        return True
    if isinstance(error, SMTPResponseException):  # DATA and others: 4xx is transient
        return error.smtp_code == SERVICE_NOT_AVAILABLE or 400 <= error.smtp_code < 500
    return isinstance(error, OSError)  # refused, reset, timed out, unreachable


@dataclass
class Tally:
    """What one run did, for logs and the command's summary line."""

    counts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, outcome: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1

    def __getitem__(self, outcome: str) -> int:
        return self.counts.get(outcome, 0)

    def summary(self) -> str:
        parts = [f"{self[SENT]} sent", f"{self[SKIPPED]} skipped (quiet week)"]
        if self[BUSY]:
            parts.append(f"{self[BUSY]} already sent or being sent")
        if self[NOT_DUE] or self[OFF]:
            parts.append(f"{self[NOT_DUE] + self[OFF]} no longer due")
        if self[DEFERRED]:
            parts.append("the mail server is unavailable: the rest are sent later")
        parts.append(f"{self[FAILED]} failed")
        return ", ".join(parts)


def digest_claim(
    *, user_id: int, organization_id: int, week: Week, clock: datetime
) -> DigestOutbox | None:
    """Take the digest of `week` for sending, or None when it is sent, skipped, being sent
    by a live claim, or given up on."""
    row, _created = DigestOutbox.objects.get_or_create(
        user_id=user_id, organization_id=organization_id, iso_year=week.year, iso_week=week.week
    )
    taken = (
        DigestOutbox.objects.filter(pk=row.pk)
        .claimable(clock=clock)
        .update(status=Status.SENDING, claimed_at=clock, attempts=F("attempts") + 1)
    )
    if not taken:
        return None
    row.refresh_from_db()
    return row


def _settle(row: DigestOutbox, **fields) -> bool:
    """Record the end of our attempt, unless our claim was taken over meanwhile."""
    done = DigestOutbox.objects.filter(
        pk=row.pk, status=Status.SENDING, claimed_at=row.claimed_at
    ).update(**fields)
    if not done:
        log.warning("digest claim was taken over while sending", extra={"outbox_id": row.pk})
    return bool(done)


def digest_deliver(
    *,
    user: User,
    organization: Organization,
    now: datetime,
    content_for: Callable[[Organization], DigestContent],
    send: Callable[[EmailMessage], object] = EmailMessage.send,
    clock: datetime | None = None,
) -> str:
    """Send `user` the digest of the week `now` falls in (on their calendar), at most once.

    Returns what happened: sent, skipped (quiet week), busy (sent or being sent), not_due,
    off (turned off, inactive). Raises what sending raised, after marking the row failed.
    """
    if not (user.is_active and user.digest_enabled):
        return OFF
    state = due_state(now, zone(user.time_zone), weekday=user.digest_weekday, hour=user.digest_hour)
    if not state.due:
        return NOT_DUE
    clock = clock or timezone.now()
    row = digest_claim(
        user_id=user.pk, organization_id=organization.pk, week=state.week, clock=clock
    )
    if row is None:
        return BUSY
    try:
        content = content_for(organization)
        if content.quiet:
            _settle(row, status=Status.SKIPPED, error="")
            return SKIPPED
        message = digest_email(
            user=user, organization=organization, content=content, week=state.week
        )
        send(message)
    except Exception as error:  # claimable again at once; a crash leaves it "sending"
        text = f"{type(error).__name__}: {error}"[:2000]
        if server_wide(error):  # not this person's fault: the attempt does not count
            _settle(row, status=Status.PENDING, attempts=F("attempts") - 1, error=text)
        else:
            _settle(row, status=Status.FAILED, error=text)
        raise
    _settle(
        row,
        status=Status.SENT,
        sent_at=timezone.now(),
        message_id=message.extra_headers["Message-ID"],
        error="",
    )
    return SENT


def digest_send_chunk(
    *,
    pairs: Sequence[Sequence[int]],
    now: datetime,
    tally: Tally | None = None,
    contents: dict[int, DigestContent] | None = None,
) -> Tally:
    """Send the digests of `pairs` ([user id, organization id]) due at `now`, over one SMTP
    connection. Safe to run twice and concurrently: each digest is claimed first.

    A recipient the server refuses is recorded as failed and the rest go on; any other
    SMTP or network error stops the chunk (the task retries it: sent ones are skipped).
    """
    tally = tally if tally is not None else Tally()
    contents = contents if contents is not None else {}
    memberships = _memberships(pairs)

    def content_for(organization: Organization) -> DigestContent:
        if organization.pk not in contents:
            contents[organization.pk] = digest_content(organization, now=now)
        return contents[organization.pk]

    connection = get_connection()
    opened = False

    def send(message: EmailMessage) -> None:
        nonlocal opened
        if not opened:  # lazily: a chunk whose digests are all sent opens no connection
            connection.open()
            opened = True
        connection.send_messages([message])

    try:
        for user_id, organization_id in pairs:
            membership = memberships.get((user_id, organization_id))
            if membership is None:  # left the organization since
                tally.add(OFF)
                continue
            try:
                outcome = digest_deliver(
                    user=membership.user,
                    organization=membership.organization,
                    now=now,
                    content_for=content_for,
                    send=send,
                )
            except Exception as error:
                if server_wide(error):
                    tally.add(DEFERRED)
                    log.warning("mail server unavailable; backing off", extra={"error": str(error)})
                    raise MailServerUnavailable(f"{type(error).__name__}: {error}") from error
                tally.add(FAILED)
                tally.errors.append(f"{membership.user.email}: {type(error).__name__}: {error}")
                if isinstance(error, SMTPException):  # names this recipient or message
                    log.warning("digest refused for a recipient", extra={"user_id": user_id})
                    continue
                raise
            tally.add(outcome)
    finally:
        if opened:
            with contextlib.suppress(SMTPException, OSError):
                connection.close()
    return tally


def _memberships(pairs: Iterable[Sequence[int]]) -> dict[tuple[int, int], Membership]:
    pairs = [(int(u), int(o)) for u, o in pairs]
    found = Membership.objects.filter(
        user_id__in={u for u, _ in pairs}, organization_id__in={o for _, o in pairs}
    ).select_related("user", "organization")
    wanted = set(pairs)
    return {
        (m.user_id, m.organization_id): m for m in found if (m.user_id, m.organization_id) in wanted
    }


def digest_unsubscribe(*, user: User) -> bool:
    """One-click unsubscribe: turn the weekly digest off for this user, in every
    organization (the preferences page turns it back on). True when it was on."""
    return bool(User.objects.filter(pk=user.pk, digest_enabled=True).update(digest_enabled=False))

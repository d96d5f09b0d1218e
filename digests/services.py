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
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from smtplib import SMTPException, SMTPRecipientsRefused

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

SENT, SKIPPED, BUSY, NOT_DUE, OFF, FAILED = (
    "sent",
    "skipped",
    "busy",
    "not_due",
    "off",
    "failed",
)


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
        _settle(row, status=Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000])
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
            except SMTPRecipientsRefused as error:
                tally.add(FAILED)
                tally.errors.append(f"{membership.user.email}: {error}")
                log.warning("digest recipient refused", extra={"user_id": user_id})
                continue
            except Exception as error:
                tally.add(FAILED)
                tally.errors.append(f"{membership.user.email}: {type(error).__name__}: {error}")
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

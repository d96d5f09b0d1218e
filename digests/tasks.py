"""Celery tasks for the weekly digest: thin, take ids, safe to run twice.

`digest_dispatch_task` runs hourly (config/celery.py: "send-digests-hourly"): it finds
who is due and enqueues their digests in chunks of CHUNK_SIZE. `digest_send_chunk_task`
sends one chunk; every digest in it is claimed in the outbox first, so running it twice,
or two dispatchers at once, sends nothing twice.
"""

from __future__ import annotations

import logging
from datetime import datetime
from smtplib import SMTPException

from celery import group as celery_group
from celery import shared_task
from django.utils import timezone

from digests.selectors import digests_due
from digests.services import digest_send_chunk

log = logging.getLogger(__name__)
CHUNK_SIZE = 50


def chunked(pairs: list[list[int]], size: int | None = None) -> list[list[list[int]]]:
    size = size or CHUNK_SIZE
    return [pairs[i : i + size] for i in range(0, len(pairs), size)]


@shared_task(ignore_result=True)
def digest_dispatch_task(now: str | None = None) -> int:
    """Enqueue the digests due at `now` (ISO 8601; default: the current time)."""
    moment = datetime.fromisoformat(now) if now else timezone.now()
    due = digests_due(moment)
    chunks = chunked([d.pair for d in due])
    if chunks:
        celery_group(
            digest_send_chunk_task.s(chunk, moment.isoformat()) for chunk in chunks
        ).apply_async()
    log.info("digests dispatched", extra={"due": len(due), "chunks": len(chunks)})
    return len(chunks)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=6,
    ignore_result=True,
)
def digest_send_chunk_task(pairs: list[list[int]], now: str) -> dict[str, int]:
    """Send the digests of `pairs` ([user id, organization id]) for the week `now` (the
    dispatcher's moment) falls in: a retry or a late redelivery still sends that week's."""
    tally = digest_send_chunk(pairs=pairs, now=datetime.fromisoformat(now))
    log.info("digest chunk done", extra={"pairs": len(pairs), **tally.counts})
    return tally.counts

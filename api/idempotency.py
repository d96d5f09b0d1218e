"""`Idempotency-Key` on writes: the first answer to a key is stored for a day and
replayed when the same API key sends the same request with it again, so a client that
lost an answer can safely retry. Reusing a key for a different request is a 422. An
error answer is not stored: the client may fix the request and retry with the same key."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Status

from api.errors import ApiError
from api.models import IdempotentRequest

HEADER = "Idempotency-Key"
KEPT_FOR = timedelta(hours=24)


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.body)
    return digest.hexdigest()


def _replay(record: IdempotentRequest, fingerprint: str) -> tuple[int, dict]:
    if record.request_hash != fingerprint:
        raise ApiError(
            422,
            "This Idempotency-Key was already used for a different request; use a new key.",
            [{"field": HEADER, "item": None, "message": "already used for another request"}],
        )
    return record.status_code, record.response


def idempotent(request: HttpRequest, run: Callable[[], tuple[int, dict]]) -> Status:
    """Run the write (which returns status and body), or replay its first answer."""
    return Status(*_idempotent(request, run))


def _idempotent(request: HttpRequest, run: Callable[[], tuple[int, dict]]) -> tuple[int, dict]:
    key = (request.headers.get(HEADER) or "").strip()
    if not key:
        return run()
    if len(key) > 255:
        raise ApiError(
            422,
            "The Idempotency-Key is longer than 255 characters.",
            [{"field": HEADER, "item": None, "message": "at most 255 characters"}],
        )
    api_key = request.auth
    fingerprint = _fingerprint(request)
    IdempotentRequest.objects.filter(
        api_key=api_key, key=key, created_at__lt=timezone.now() - KEPT_FOR
    ).delete()
    record = IdempotentRequest.objects.filter(api_key=api_key, key=key).first()
    if record is not None:
        return _replay(record, fingerprint)
    try:
        with transaction.atomic():
            status, body = run()
            IdempotentRequest.objects.create(
                api_key=api_key,
                key=key,
                request_hash=fingerprint,
                status_code=status,
                response=body,
            )
    except IntegrityError:  # the same key raced in from another request and won
        record = IdempotentRequest.objects.filter(api_key=api_key, key=key).first()
        if record is None:
            raise
        return _replay(record, fingerprint)
    return status, body

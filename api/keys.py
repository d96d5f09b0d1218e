"""API keys: creating, revoking, checking a `Authorization: Bearer KEY` header, and the
per-key rate limit (a fixed window counted in the shared cache, so every web process
counts the same requests).

A key is `cp_` + 43 random URL-safe characters (256 bits); only its sha256 is stored, so
a stolen database does not hold usable keys, and one hash lookup finds a key.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from accounts.models import Organization, User
from api.errors import ApiError
from api.models import ApiKey

PREFIX = "cp_"
LAST_USED_RESOLUTION = timedelta(minutes=1)  # last use is written at most once a minute


def key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *,
    organization: Organization,
    name: str,
    scope: str = ApiKey.Scope.READ,
    by: User | None = None,
) -> tuple[ApiKey, str]:
    """A new key and its secret value (shown once, never stored)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the key a name, such as the system that uses it."})
    if scope not in ApiKey.Scope.values:
        raise ValidationError({"scope": "The scope is read or write."})
    raw = PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        organization=organization,
        name=name[:80],
        scope=scope,
        prefix=raw[:10],
        key_hash=key_hash(raw),
        created_by=by,
    )
    return key, raw


@transaction.atomic
def api_key_revoke(*, key: ApiKey) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def key_from_secret(raw: str) -> ApiKey | None:
    if not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    return (
        ApiKey.objects.select_related("organization", "created_by")
        .filter(key_hash=key_hash(raw), revoked_at__isnull=True)
        .first()
    )


def _note_use(key: ApiKey) -> None:
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now


def rate_limit(key: ApiKey) -> None:
    """Count this request against the key's window; raise 429 with Retry-After past it."""
    limit = settings.API_RATE_LIMIT
    window = settings.API_RATE_WINDOW_SECONDS
    now = time.time()
    start = int(now // window) * window
    counter = f"api-rate:{key.pk}:{start}"
    try:
        cache.add(counter, 0, timeout=window + 5)
        used = cache.incr(counter)
    except Exception:  # the cache is down: serve rather than refuse everyone
        return
    if used > limit:
        wait = max(1, math.ceil(start + window - now))
        raise ApiError(
            429,
            f"This key made more than {limit} requests in {window} seconds; "
            f"try again in {wait} seconds.",
            headers={"Retry-After": str(wait)},
        )


class ApiKeyAuth(HttpBearer):
    """Bearer auth with an organization's key. `write=True`: a read key gets a 403."""

    def __init__(self, *, write: bool = False) -> None:
        super().__init__()
        self.write = write

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        key = key_from_secret(token.strip())
        if key is None:
            return None
        rate_limit(key)
        _note_use(key)
        if self.write and not key.can_write:
            raise ApiError(403, "This API key may only read; writing needs a write key.")
        request.api_key = key
        return key


read_key = ApiKeyAuth()
write_key = ApiKeyAuth(write=True)

"""API keys: creating, revoking, checking a `Authorization: Bearer KEY` header, and the
per-key rate limit (a fixed window counted in the shared cache, so every web process
counts the same requests).

A key made by a person acts with that person's rights: when they leave the organization
or lose the admin role, the membership services revoke their keys (`api.key_owners`),
and every check verifies it again in the same query that finds the key (their current
role comes along as a subquery), so no cache can serve a stale answer.

A key is `cp_` + 43 random URL-safe characters (256 bits); only its sha256 is stored, so
a stolen database does not hold usable keys, and one hash lookup finds a key.
"""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from accounts.models import Membership, Organization, User
from accounts.roles import API_KEY_OWNERS
from api.errors import ApiError
from api.models import ApiKey

PREFIX = "cp_"
LAST_USED_RESOLUTION = timedelta(minutes=1)  # last use is written at most once a minute
Because = ApiKey.RevokedBecause

log = logging.getLogger(__name__)


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
    """A new key and its secret value (shown once, never stored). A key made `by` someone
    acts with their rights, so only a member who may own keys can make one."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the key a name, such as the system that uses it."})
    if scope not in ApiKey.Scope.values:
        raise ValidationError({"scope": "The scope is read or write."})
    if (
        by is not None
        and not Membership.objects.filter(
            user=by, organization=organization, role__in=API_KEY_OWNERS, user__is_active=True
        ).exists()
    ):
        raise ValidationError(f"Only an admin of {organization} can create its API keys.")
    raw = PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        organization=organization,
        name=name[:80],
        scope=scope,
        prefix=raw[:10],
        key_hash=key_hash(raw),
        created_by=by,
        created_by_email=by.email if by is not None else "",
    )
    return key, raw


@transaction.atomic
def api_key_revoke(*, key: ApiKey, because: str = Because.ADMIN, by: User | None = None) -> ApiKey:
    """Revoke a key (once: a key already revoked keeps its first date and reason)."""
    now = timezone.now()
    revoked = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_because=because, revoked_by=by
    )
    if revoked:
        log.info(
            "API key revoked",
            extra={"api_key": key.pk, "organization": key.organization_id, "because": because},
        )
    fresh = ApiKey.objects.values("revoked_at", "revoked_because", "revoked_by_id").get(pk=key.pk)
    key.revoked_at = fresh["revoked_at"]
    key.revoked_because = fresh["revoked_because"]
    key.revoked_by_id = fresh["revoked_by_id"]
    return key


@transaction.atomic
def api_keys_revoke_for_creator(
    *, organization_id: int, user_id: int, because: str, by: User | None = None
) -> int:
    """Revoke every working key `user_id` made for the organization (they left it or lost
    the role that may own keys): how many. Each keeps the reason, the moment and who made
    the change, which the API keys page shows."""
    revoked = ApiKey.objects.filter(
        organization_id=organization_id, created_by_id=user_id, revoked_at__isnull=True
    ).update(revoked_at=timezone.now(), revoked_because=because, revoked_by=by)
    if revoked:
        log.info(
            "API keys revoked with their creator",
            extra={
                "organization": organization_id,
                "creator": user_id,
                "because": because,
                "count": revoked,
            },
        )
    return revoked


def with_creator_role(queryset: QuerySet[ApiKey]) -> QuerySet[ApiKey]:
    """Keys with their creator (and the creator's current role in the key's organization
    as `creator_role`, None if they are no member) loaded in the same query."""
    role = Membership.objects.filter(
        user_id=OuterRef("created_by_id"), organization_id=OuterRef("organization_id")
    ).values("role")[:1]
    return queryset.select_related("organization", "created_by").annotate(
        creator_role=Subquery(role)
    )


def creator_problem(key: ApiKey) -> str | None:
    """Why a key may no longer act for its creator (a `RevokedBecause`), or None. The key
    must come from `with_creator_role`. A key without a creator (made on the command line
    without `--user`) belongs to the organization and has no such problem."""
    if not key.has_creator:
        return None
    if key.created_by is None:  # the account was deleted
        return Because.CREATOR_LEFT
    if not key.created_by.is_active:
        return Because.CREATOR_INACTIVE
    if key.creator_role is None:
        return Because.CREATOR_LEFT
    if key.creator_role not in API_KEY_OWNERS:
        return Because.CREATOR_ROLE
    return None


def keys_of(organization: Organization) -> list[ApiKey]:
    """The organization's keys for its admins' page, each with `problem`: why a key that
    is not revoked yet no longer works (its creator left or lost the role), or None."""
    keys = list(
        with_creator_role(ApiKey.objects.filter(organization=organization)).select_related(
            "revoked_by"
        )
    )
    for key in keys:
        problem = None if key.revoked_at else creator_problem(key)
        key.problem = Because(problem) if problem else None
    return keys


def key_from_secret(raw: str) -> ApiKey | None:
    """The key with this secret (revoked or not), with its creator's current role."""
    if not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    return with_creator_role(ApiKey.objects.filter(key_hash=key_hash(raw))).first()


def revoked_detail(key: ApiKey) -> str:
    """What a caller with a revoked key is told (it holds the key: it may know why)."""
    day = key.revoked_at.date().isoformat()
    organization = key.organization.name
    if key.revoked_because in ("", Because.ADMIN):
        return (
            f"This API key was revoked on {day} by an admin of {organization}; "
            "ask them for a new key."
        )
    return (
        f"This API key was revoked on {day}: its {key.get_revoked_because_display()}. "
        f"A key acts with the rights of the person who created it; ask an admin of "
        f"{organization} for a new key."
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
        if key.revoked_at is None:
            # Defence in depth: the membership services revoke a leaving creator's keys,
            # but a change made elsewhere (the admin site, the shell) must not leave a
            # key acting for someone who may no longer act.
            problem = creator_problem(key)
            if problem:
                api_key_revoke(key=key, because=problem)
        if key.revoked_at is not None:
            raise ApiError(
                401,
                revoked_detail(key),
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        rate_limit(key)
        _note_use(key)
        if self.write and not key.can_write:
            raise ApiError(403, "This API key may only read; writing needs a write key.")
        request.api_key = key
        return key


read_key = ApiKeyAuth()
write_key = ApiKeyAuth(write=True)

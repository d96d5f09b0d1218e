"""The group page's cache: version tokens that every write bumps, and rendered page bodies.

What is cached is the group page's workspace as rendered for *no one*: no request, no
user, no session, no messages. Where the page needs something of the viewer's it holds a
slot instead (:data:`CSRF_SLOT` for every CSRF token; the view fills in the viewer's own
on every response), and what is not the group's own data (the kits section, flash
messages) is rendered live around it. So nothing of one user or session can reach
another through the cache.

A body is stored under a key made of everything it depends on:

* the group's token, bumped by every write to the group, its people, relationships,
  touches, planned sends and snapshots (:func:`bump_group`: `planner.services`,
  `planner.snapshots`, and through `rescore_soon` the CSV import), and the group row's
  own `updated_at` (group edits, archiving);
* the organization's token, bumped when its planner settings change or a theme is saved
  or deleted (:func:`bump_organization`), plus :func:`library_fingerprint`, one
  aggregate query over the content library (assets and themes are written by the content
  app, which does not bump anything), so a new or changed asset shows up at once;
* the hour in the viewer's time zone and the time zone itself (exposure decays with
  time, dates are shown in the viewer's zone), and the page variant (may edit or not,
  all relationships or the first few).

Tokens are random, never counters: a token evicted from the cache is replaced by a new
one, so an old body can never be mistaken for a current one. They are bumped at once and
again when the transaction commits, so a page rendered from the old data while the write
was in flight is stored under a token that no longer counts.

A body is stored the second time its key is rendered, not the first: after a write, the
editor's own htmx response renders the new version, and most versions are replaced by the
next edit before anyone looks at them again; storing each of those bodies (a few hundred
KB) would only push useful entries out. Any version that is viewed again is cached.

Cache errors never break the page: they count as a miss (and bumps are retried on commit).
"""

from __future__ import annotations

import hashlib
import logging
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

log = logging.getLogger(__name__)

PREFIX = "group-page:v1"
BODY_TIMEOUT = 2 * 60 * 60  # the hour bucket retires a body after an hour anyway
SEEN_TIMEOUT = 2 * 60 * 60

# Placeholders in a cached body. Each contains characters that escaped text can never
# produce ('<' or '"'), so only the markup the view put there is ever replaced.
CSRF_SLOT = "csrf-token-slot-for-the-viewer"
KITS_SLOT = "<!--group-page:live-kits-section-->"
OCCURRED_AT_SLOT = "occurred-at-slot-for-now"


def _group_key(group_id: int) -> str:
    return f"{PREFIX}:group:{group_id}"


def _organization_key(organization_id: int) -> str:
    return f"{PREFIX}:org:{organization_id}"


def _new_token() -> str:
    return uuid.uuid4().hex


def _set_token(key: str) -> None:
    try:
        cache.set(key, _new_token(), timeout=None)
    except Exception:  # the cache is down: its bodies are unreachable too
        log.warning("could not bump a page cache version", extra={"key": key}, exc_info=True)


def _bump(key: str) -> None:
    """A new token now (so this request's own next render is fresh) and, inside a
    transaction, again once it commits (so a render that read the old rows meanwhile is
    stored under a token that no longer counts)."""
    _set_token(key)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _set_token(key))


def bump_group(group_id: int) -> None:
    """Call after any write that changes what the group page shows."""
    _bump(_group_key(group_id))


def bump_organization(organization_id: int) -> None:
    """Call after a write that changes every group page of the organization."""
    _bump(_organization_key(organization_id))


def tokens(group_id: int, organization_id: int) -> tuple[str, str]:
    """The current (group token, organization token), created when missing."""
    keys = [_group_key(group_id), _organization_key(organization_id)]
    found = cache.get_many(keys)
    result = []
    for key in keys:
        token = found.get(key)
        if token is None:
            token = _new_token()
            if not cache.add(key, token, timeout=None):  # someone else just made one
                token = cache.get(key) or token
        result.append(token)
    return result[0], result[1]


def library_fingerprint(organization_id: int) -> tuple:
    """What the organization's content library looks like, in one query: the latest
    asset change and the number of assets (a deletion lowers it), the number of themes
    and the newest theme."""
    from accounts.models import Organization
    from content.models import Asset, Theme

    def one(model, aggregate):
        rows = model.objects.filter(organization_id=OuterRef("pk")).order_by()
        return Subquery(rows.values("organization_id").annotate(v=aggregate).values("v")[:1])

    row = (
        Organization.objects.filter(pk=organization_id)
        .order_by()
        .values_list(
            one(Asset, Max("updated_at")),
            one(Asset, Count("pk")),
            one(Theme, Count("pk")),
            one(Theme, Max("pk")),
        )
        .first()
    )
    return tuple(row or ())


def body_key(group, *, variant: str) -> str | None:
    """The cache key of the group page body for the current viewer's time zone and hour,
    or None when the cache cannot be reached."""
    try:
        group_token, organization_token = tokens(group.pk, group.organization_id)
    except Exception:
        log.warning("the page cache is unreachable", exc_info=True)
        return None
    now = timezone.localtime()
    parts = (
        group.pk,
        group_token,
        organization_token,
        library_fingerprint(group.organization_id),
        group.updated_at.isoformat() if group.updated_at else "",
        now.strftime("%Y-%m-%dT%H"),
        timezone.get_current_timezone_name(),
        variant,
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:40]
    return f"{PREFIX}:body:{digest}"


def get_body(key: str | None) -> str | None:
    if key is None:
        return None
    try:
        return cache.get(key)
    except Exception:
        log.warning("the page cache is unreachable", exc_info=True)
        return None


def offer_body(key: str | None, body: str) -> bool:
    """Store `body` if its key was rendered before (see the module); True if stored."""
    if key is None:
        return False
    try:
        if cache.add(f"{key}:seen", 1, timeout=SEEN_TIMEOUT):
            return False  # the first render of this version
        cache.set(key, body, timeout=BODY_TIMEOUT)
        return True
    except Exception:
        log.warning("could not store a group page", exc_info=True)
        return False


def _theme_changed(sender, instance, **kwargs) -> None:
    """Themes have no `updated_at`: renaming one (in the admin) changes every page that
    names it. Creating or deleting one also changes library_fingerprint."""
    bump_organization(instance.organization_id)


def _connect() -> None:
    from content.models import Theme

    post_save.connect(_theme_changed, sender=Theme, dispatch_uid="group-page-theme-saved")
    post_delete.connect(_theme_changed, sender=Theme, dispatch_uid="group-page-theme-deleted")


_connect()

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
  `scoring.snapshots`, and through `rescore_soon` the CSV import), and the group row's
  own `updated_at` (group edits, archiving);
* the organization's token, bumped when its planner settings change or a theme is saved
  or deleted (:func:`bump_organization`), plus the content library's fingerprint from
  :func:`page_state`, one query per page view (assets and themes are written by the
  content app, which bumps nothing), so a new or changed asset shows up at once;
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

import functools
import hashlib
import logging
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.template import Context, Template
from django.utils import timezone

from content.models import Asset, Theme
from kits.models import ConsensusKit

log = logging.getLogger(__name__)

PREFIX = "group-page:v1"
SEEN_TIMEOUT = 60 * 60  # a body's key includes the hour: it is useless after that

# Placeholders in a cached body. Each contains characters that escaped text can never
# produce ('<' or '"'), so only the markup the view put there is ever replaced.
CSRF_SLOT = "csrf-token-slot-for-the-viewer"
KITS_SLOT = "<!--group-page:live-kits-section-->"
OCCURRED_AT_SLOT = "occurred-at-slot-for-now"
BODY_SLOT = "<!--group-page:workspace-body-->"  # where the page shell takes the body


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


@dataclass(frozen=True)
class PageState:
    """What one query says about the data behind a group page that no bump covers."""

    library: tuple  # the content library's fingerprint (see page_state)
    has_kits: bool  # whether the group has any consensus kit (else that section is empty)


def page_state(group) -> PageState:
    """In one query: the organization's content library (the latest asset change, the
    number of assets, so a deletion counts, the number of themes and the newest theme)
    and whether the group has a consensus kit. Plain SQL: it runs on every page view,
    where building it with the ORM would cost more than running it."""
    q = connection.ops.quote_name
    asset, theme, kit = (m._meta for m in (Asset, Theme, ConsensusKit))
    assets, themes, kits = q(asset.db_table), q(theme.db_table), q(kit.db_table)
    a_org, a_changed = (q(asset.get_field(f).column) for f in ("organization", "updated_at"))
    t_org, t_pk = q(theme.get_field("organization").column), q(theme.pk.column)
    k_group = q(kit.get_field("group").column)
    sql = (  # names from the models, values as parameters
        f"SELECT (SELECT MAX({a_changed}) FROM {assets} WHERE {a_org} = %s),"  # noqa: S608
        f" (SELECT COUNT(*) FROM {assets} WHERE {a_org} = %s),"
        f" (SELECT COUNT(*) FROM {themes} WHERE {t_org} = %s),"
        f" (SELECT MAX({t_pk}) FROM {themes} WHERE {t_org} = %s),"
        f" EXISTS (SELECT 1 FROM {kits} WHERE {k_group} = %s)"
    )
    organization = group.organization_id
    with connection.cursor() as cursor:
        cursor.execute(sql, [organization, organization, organization, organization, group.pk])
        *library, has_kits = cursor.fetchone()
    return PageState(library=tuple(str(value) for value in library), has_kits=bool(has_kits))


def body_key(group, state: PageState, *, variant: str) -> str | None:
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
        state.library,
        group.updated_at.isoformat() if group.updated_at else "",
        now.strftime("%Y-%m-%dT%H"),
        timezone.get_current_timezone_name(),
        variant,
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:40]
    return f"{PREFIX}:body:{digest}"


# A body as kept: the page's UTF-8 bytes without the slots, and where each slot goes:
# (offset, slot index). Not compressed: a 50-member page is about 360 KB (zlib would make
# it about 50 KB) but inflating it costs half a millisecond on every view, a quarter of
# what a cached page costs. Memory stays bounded instead: only versions viewed twice are
# stored, and only until their hour is over.
Body = tuple[bytes, tuple[tuple[int, int], ...]]


def csrf_slot() -> str:
    """What {% csrf_token %} renders when the token is CSRF_SLOT."""
    return _csrf_input(CSRF_SLOT)


@functools.cache
def _csrf_input(token: str) -> str:
    return Template("{% csrf_token %}").render(Context({"csrf_token": token}))


def occurred_at_slot() -> str:
    return f'value="{OCCURRED_AT_SLOT}"'


SLOTS = ("csrf", "kits", "occurred_at")


def _slot_markup() -> tuple[bytes, ...]:
    return (csrf_slot().encode(), KITS_SLOT.encode(), occurred_at_slot().encode())


def cut(body: str) -> Body:
    """`body`, rendered with the slots in it, as it is kept (see Body)."""
    parts: list[bytes | int] = [body.encode()]
    for index, markup in enumerate(_slot_markup()):  # no slot's markup contains another's
        split: list[bytes | int] = []
        for part in parts:
            if isinstance(part, int):
                split.append(part)
                continue
            for n, piece in enumerate(part.split(markup)):
                if n:
                    split.append(index)
                split.append(piece)
        parts = split
    data, positions, offset = [], [], 0
    for part in parts:
        if isinstance(part, int):
            positions.append((offset, part))
        else:
            data.append(part)
            offset += len(part)
    return b"".join(data), tuple(positions)


def fill(body: Body, live: dict[str, bytes]) -> bytes:
    """The body's bytes with `live[name]` in each slot of that name (see SLOTS)."""
    values = [live[name] for name in SLOTS]
    data, positions = body
    data = memoryview(data)
    pieces: list = []
    start = 0
    for offset, slot in positions:
        pieces.append(data[start:offset])
        pieces.append(values[slot])
        start = offset
    pieces.append(data[start:])
    return b"".join(pieces)


def _rest_of_the_hour() -> int:
    """Seconds until the hour in a body's key is over (its key is not asked for after)."""
    now = timezone.localtime()
    return max(60, 3600 - now.minute * 60 - now.second + 5)


def get_body(key: str | None) -> Body | None:
    if key is None:
        return None
    try:
        return cache.get(key)
    except Exception:
        log.warning("the page cache is unreachable", exc_info=True)
        return None


def offer_body(key: str | None, body: Body) -> bool:
    """Store `body` if its key was rendered before (see the module); True if stored."""
    if key is None:
        return False
    try:
        if cache.add(f"{key}:seen", 1, timeout=SEEN_TIMEOUT):
            return False  # the first render of this version
        cache.set(key, body, timeout=_rest_of_the_hour())
        return True
    except Exception:
        log.warning("could not store a group page", exc_info=True)
        return False


def _theme_changed(sender, instance, **kwargs) -> None:
    """Themes have no `updated_at`: renaming one (in the admin) changes every page that
    names it. Creating or deleting one also changes the page_state fingerprint."""
    bump_organization(instance.organization_id)


def _connect() -> None:
    post_save.connect(_theme_changed, sender=Theme, dispatch_uid="group-page-theme-saved")
    post_delete.connect(_theme_changed, sender=Theme, dispatch_uid="group-page-theme-deleted")


_connect()


def on_group_changed(sender, *, group_id: int, **kwargs) -> None:
    """A write changed what the group page shows (planner, suggestions, scoring signals)."""
    bump_group(group_id)


def on_organization_changed(sender, *, organization_id: int, **kwargs) -> None:
    bump_organization(organization_id)

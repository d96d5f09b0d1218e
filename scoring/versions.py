"""The version of a group's data: what every cached result of it (the analysis, and what
the rooms above draw or derive from it) is keyed by.

A version is made of:

* the group's token, bumped by every write to the group, its people, relationships,
  touches and planned sends (:func:`bump_group`, through the `planner.signals.group_changed`
  signal that `planner.services`, the CSV import and `suggestions.services` send), and the
  group row's own `updated_at` (group edits, archiving);
* the organization's token, bumped when its planner settings change
  (`planner.signals.organization_changed`) or a theme is saved or deleted
  (:func:`bump_organization`);
* the content library's fingerprint (:func:`library_fingerprint`, one query): assets are
  written by the content app, which bumps nothing, so a new, changed or deleted asset
  makes a new version at once;
* the code's fingerprint (:func:`code_fingerprint`): a deploy that changes how anything
  cached is computed or drawn makes every version new, so no page shows an analysis or a
  picture made by the code before it (and two releases side by side never share one).

Tokens are random, never counters: a token evicted from the cache is replaced by a new
one, so an old result can never be mistaken for a current one. They are bumped at once and
again when the transaction commits, so a result computed from the old rows while the write
was in flight is stored under a token that no longer counts.

Cache errors never break a page: without a reachable cache there is no version
(:func:`group_version` returns None) and every result is computed afresh.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from content.models import Asset, Theme
from planner.models import BuyingGroup

log = logging.getLogger(__name__)

PREFIX = "versions:v1"


def _group_key(group_id: int) -> str:
    return f"{PREFIX}:group:{group_id}"


def _organization_key(organization_id: int) -> str:
    return f"{PREFIX}:org:{organization_id}"


def _new_token() -> str:
    return uuid.uuid4().hex


def _set_token(key: str) -> None:
    try:
        cache.set(key, _new_token(), timeout=None)
    except Exception:  # the cache is down: what was cached under the old token is too
        log.warning("could not bump a version", extra={"key": key}, exc_info=True)


def _bump(key: str) -> None:
    """A new token now (so this request's own next read is fresh) and, inside a
    transaction, again once it commits (so a result that read the old rows meanwhile is
    stored under a token that no longer counts)."""
    _set_token(key)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _set_token(key))


def bump_group(group_id: int) -> None:
    """Call after any write that changes what an analysis of the group says."""
    _bump(_group_key(group_id))


def bump_organization(organization_id: int) -> None:
    """Call after a write that changes the analysis of every group of the organization."""
    _bump(_organization_key(organization_id))


def tokens(group_id: int, organization_id: int) -> tuple[str, str]:
    """The current (group token, organization token), created when missing. Raises when
    the cache cannot be reached."""
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


def library_fingerprint(organization_id: int) -> tuple[str, ...]:
    """In one query, the organization's content library as far as an analysis and what
    is derived from it can tell: the latest asset change, the number of assets (so a
    deletion counts), the number of themes and the newest theme. Plain SQL: it runs on
    every page view, where building it with the ORM would cost more than running it; two
    aggregates of a table each (PostgreSQL plans them in two thirds of the time of four)."""
    q = connection.ops.quote_name
    asset, theme = Asset._meta, Theme._meta
    assets, themes = q(asset.db_table), q(theme.db_table)
    a_org, a_changed = (q(asset.get_field(f).column) for f in ("organization", "updated_at"))
    t_org, t_pk = q(theme.get_field("organization").column), q(theme.pk.column)
    sql = (  # names from the models, values as parameters
        "SELECT a.changed, a.count, t.count, t.newest FROM"  # noqa: S608
        f" (SELECT MAX({a_changed}) AS changed, COUNT(*) AS count FROM {assets}"
        f" WHERE {a_org} = %s) a,"
        f" (SELECT COUNT(*) AS count, MAX({t_pk}) AS newest FROM {themes}"
        f" WHERE {t_org} = %s) t"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [organization_id] * 2)
        row = cursor.fetchone()
    return tuple(str(value) for value in row)


# The rooms whose code computes or draws what is cached under a version.
CODE_ROOMS = ("charts", "content", "planner", "scoring", "suggestions", "workspace")


@functools.cache
def code_fingerprint() -> str:
    """A digest of the Python source of CODE_ROOMS, read once per process (a few hundred
    KB; files are read, not imported, so no room above is imported from here)."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for room in CODE_ROOMS:
        for path in sorted((root / room).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def group_version(group: BuyingGroup) -> str | None:
    """The version of everything an analysis of `group` reads (see the module), or None
    when the cache cannot be reached (then nothing is cached)."""
    found = versions(group)
    return found[0] if found else None


def versions(group: BuyingGroup) -> tuple[str, str] | None:
    """(the group's version, its organization's version), or None when the cache cannot be
    reached. The organization's version covers what the groups of an organization share:
    its settings and themes (its token, and the library's fingerprint: themes created in
    bulk send no signal) and the code."""
    try:
        group_token, organization_token = tokens(group.pk, group.organization_id)
    except Exception:
        log.warning("the cache is unreachable", exc_info=True)
        return None
    shared = (
        organization_token,
        library_fingerprint(group.organization_id),
        code_fingerprint(),
    )
    parts = (
        group.pk,
        group_token,
        *shared,
        group.updated_at.isoformat() if group.updated_at else "",
    )
    organization = (group.organization_id, *shared)
    return _digest(f"{group.pk}", parts), _digest(f"org-{group.organization_id}", organization)


def _digest(name: str, parts: tuple) -> str:
    return f"{name}:{hashlib.sha256(repr(parts).encode()).hexdigest()[:40]}"


# --- what bumps a version ----------------------------------------------------------------


def on_group_changed(sender, *, group_id: int, **kwargs) -> None:
    """`planner.signals.group_changed`: a write changed the group's people, ties, touches,
    fields or planned sends."""
    bump_group(group_id)


def on_organization_changed(sender, *, organization_id: int, **kwargs) -> None:
    """`planner.signals.organization_changed`: the planner settings changed."""
    bump_organization(organization_id)


def on_theme_changed(sender, instance, **kwargs) -> None:
    """Themes have no `updated_at`: renaming one (in the admin) changes every analysis
    that names it. Creating or deleting one also changes the library fingerprint."""
    bump_organization(instance.organization_id)


def connect() -> None:
    """Wire the bumps (from `ScoringConfig.ready`)."""
    post_save.connect(on_theme_changed, sender=Theme, dispatch_uid="versions-theme-saved")
    post_delete.connect(on_theme_changed, sender=Theme, dispatch_uid="versions-theme-deleted")

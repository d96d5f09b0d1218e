"""The analysis of a group as it is now, computed once per version of the group and hour.

Every page, command and task that analyses a group *now* asks :func:`current_analysis`:
the group page, suggestions and what-if, kit drafts and builds, snapshots and the digest
then share one computation until a write makes a new version (`scoring.versions`) or the
hour is over. Exposure decays with time and an analysis is "as of now", so an analysis is
reused only within the hour it was computed in. An analysis as of a given moment (the
`--as-of` day of the commands and the API) is not this: it calls `scoring.analysis.analyze`.

What is derived from an analysis and costs time to compute (the forecast model, the
suggestion plan, the pictures) is cached under the same key with :func:`derived`, so it is
as fresh as the analysis it came from.

The analysis is stored pickled, as one value (its model instances included: they are the
rows as loaded, pickled by `_Pickler` as their fields and a few words of state, a quarter
of the time Django's own pickling takes), and loaded in a few milliseconds at 500
members. A cache that is down or a miss means: compute, and try to store. Nothing of a
viewer is in an analysis, so one cached for a group serves every member of its
organization.

In front of the shared cache, each process keeps the values it last read from it, as
unpickled objects (`scoring.memo`, bounded): the keys are versions, so such a value is
never stale, and a view gets its analysis, plan, forecast and pictures without unpickling
them. What these functions return is shared: read it, never change it.

A page that computes many of them (the uncached group page: a dozen) writes them together
when it is done (:func:`writes_together`): one round trip to the shared cache, not one per
value.
"""

from __future__ import annotations

import copyreg
import dataclasses
import hashlib
import io
import logging
import pickle
import threading
from collections.abc import Callable
from contextlib import contextmanager
from types import MappingProxyType
from typing import TypeVar

import django
from django.core.cache import cache
from django.db.models import Model
from django.db.models.base import ModelState
from django.utils import timezone

from content.selectors import theme_names
from planner.models import BuyingGroup
from planner.selectors import planner_settings
from scoring import versions
from scoring.analysis import GroupAnalysis, TouchHistory, analyze
from scoring.group_map import GroupMap, reduce_map
from scoring.memo import Memo

log = logging.getLogger(__name__)

T = TypeVar("T")


def _shape(*classes) -> str:
    """The fields of what is pickled: code that adds or renames one (a new deploy) never
    reads an analysis pickled by the code before it. (Bump PREFIX when what a `derived`
    value holds changes shape.)"""
    names = [f"{c.__name__}:{','.join(f.name for f in dataclasses.fields(c))}" for c in classes]
    return hashlib.sha256(";".join(names).encode()).hexdigest()[:8]


# Model instances are pickled as their fields (`_Pickler`): another Django may keep them
# otherwise, so its version is in every key.
PREFIX = f"analysis:v1:{django.__version__}:{_shape(GroupAnalysis, GroupMap, TouchHistory)}"

memo = Memo()  # this process's values by key (see the module)


def read_only(mapping: dict) -> MappingProxyType:
    """How a pickled read-only mapping comes back (pickle finds this by its name)."""
    return MappingProxyType(mapping)


def _proxy(proxy: MappingProxyType) -> tuple:
    return read_only, (dict(proxy),)


def model_instance(model: type[Model], fields: dict, db: str | None, adding: bool, related):
    """How a pickled model instance comes back (pickle finds this by its name): as the
    database gave it (`fields`: its `__dict__` less its state), its related objects as
    cached on it (`related`: shared, where they were, with the rest of the value)."""
    instance = model.__new__(model)
    instance.__dict__.update(fields)
    state = instance._state = ModelState()
    state.db, state.adding = db, adding
    if related is not None:
        state.fields_cache = related
    return instance


class _Pickler(pickle.Pickler):
    """pickle, plus the read-only mappings the core returns (plain pickle refuses them;
    they come back read-only), model instances in a quarter of the time Django's
    `Model.__reduce__` takes (it copies each instance's state through `copy`, and its
    unpickling looks the model up by name for every instance), and a map's rows packed
    together (`scoring.group_map.reduce_map`: a third smaller again, as fast). The one
    place where how the cache pickles our objects is decided."""

    dispatch_table = {**copyreg.dispatch_table, MappingProxyType: _proxy}

    def reducer_override(self, obj):
        if type(obj) is GroupMap:  # its rows packed together (`reduce_map`)
            return reduce_map(obj)
        if not isinstance(obj, Model):
            return NotImplemented
        fields = obj.__dict__.copy()
        state = fields.pop("_state")
        related = state.__dict__.get("fields_cache")  # set only once something was cached
        return model_instance, (type(obj), fields, state.db, state.adding, related)


def dumps(value) -> bytes:
    out = io.BytesIO()
    _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return out.getvalue()


def loads(data: bytes):
    return pickle.loads(data)  # noqa: S301 - our own bytes, from our own cache


def _rest_of_the_hour() -> int:
    """Seconds until the hour in a key is over (the key is not asked for after that)."""
    now = timezone.now()
    return max(60, 3600 - now.minute * 60 - now.second + 5)


def _get(key: str):
    found = memo.get(key)
    if found is not None:
        return found
    waiting = getattr(_together, "values", None)
    if waiting is not None and key in waiting:  # stored by this block, not written yet
        return waiting[key]
    try:
        data = cache.get(key)
    except Exception:
        log.warning("the analysis cache is unreachable", exc_info=True)
        return None
    if data is None:
        return None
    try:
        value = loads(data)
    except Exception:  # written by another version of the code: compute again
        log.warning("could not read a cached analysis", extra={"key": key}, exc_info=True)
        return None
    memo.put(key, value, len(data))
    return value


def _set(key: str, value) -> None:
    try:
        data = dumps(value)
        waiting = getattr(_together, "writes", None)
        if waiting is not None:  # inside `writes_together`: written when it ends
            waiting[key] = data
            _together.values[key] = value
            return
        cache.set(key, data, timeout=_rest_of_the_hour())
    except Exception:
        log.warning("could not cache an analysis", extra={"key": key}, exc_info=True)


_together = threading.local()  # the writes a `writes_together` block keeps for its end


@contextmanager
def writes_together():
    """Inside the block, what is cached (an analysis and what is derived from it, as an
    uncached group page computes a dozen of them) is written when the block ends, in one
    round trip (`cache.set_many`: one Redis pipeline), instead of one round trip each.
    Until then this thread reads them from the block. A block inside another writes with
    the outer one."""
    if getattr(_together, "writes", None) is not None:
        yield
        return
    _together.writes, _together.values = {}, {}
    try:
        yield
    finally:
        writes = _together.writes
        _together.writes = _together.values = None
        if writes:
            try:
                cache.set_many(writes, timeout=_rest_of_the_hour())
            except Exception:
                log.warning("could not cache analyses", extra={"keys": list(writes)}, exc_info=True)


def analysis_key(group: BuyingGroup) -> str | None:
    """The key of the group's analysis now: its version and the hour (UTC); None when
    the cache cannot be reached."""
    found = versions.versions(group)
    return _analysis_key(found[0]) if found else None


def _analysis_key(group_version: str) -> str:
    return f"{PREFIX}:{group_version}:{timezone.now().strftime('%Y-%m-%dT%H')}"


def _organization_key(organization_version: str) -> str:
    return f"{PREFIX}:{organization_version}"


def _organization_reads(group: BuyingGroup, organization_version: str) -> dict:
    """What an analysis reads of the group's organization (its planner settings and theme
    names), read once per version of the organization: `analyze`'s keyword arguments."""
    return _kept(
        f"{_organization_key(organization_version)}:reads",
        lambda: {
            "settings": planner_settings(group.organization),
            "theme_names": theme_names(group.organization_id),
        },
    )


def current_analysis(group: BuyingGroup, *, store: bool = True) -> GroupAnalysis:
    """The group's analysis now: from the cache when this version of the group was
    analysed this hour, else computed (and stored). Its `cache_key` says where what is
    derived from it may be cached (None: nowhere, see :func:`derived`).

    `store=False` reads the cache but does not fill it: for bulk work (the nightly
    rescoring of every group) whose analyses nobody will ask for again this hour."""
    found_versions = versions.versions(group)
    if found_versions is None:  # no cache: nothing to share
        return _lean(analyze(group))
    key = _analysis_key(found_versions[0])
    shared_key = _organization_key(found_versions[1])
    found = _get(key)
    if isinstance(found, GroupAnalysis):
        # The caller's group row (the same version: its updated_at is in the key).
        return dataclasses.replace(
            found,
            map=found.map.with_group(group),
            cache_key=key,
            organization_key=shared_key,
        )
    # The same, cached or not.
    analysis = _lean(analyze(group, **_organization_reads(group, found_versions[1])))
    if not store:
        return analysis
    _set(key, analysis)
    return dataclasses.replace(
        analysis, cache_key=key, stored_now=True, organization_key=shared_key
    )


def _lean(analysis: GroupAnalysis) -> GroupAnalysis:
    """What is cached of an analysis: all of it but the touch events it was computed from
    (what is derived from them is in it; at 500 members they are most of its size)."""
    history = dataclasses.replace(analysis.history, events=())
    return dataclasses.replace(analysis, history=history)


def derived(analysis: GroupAnalysis, name: str, compute: Callable[[], T]) -> T:
    """`compute()`, something that depends only on `analysis` (and on what its version
    covers: the group, its people, touches and sends, the library, the settings), cached
    next to it under `name`. Computed every time when the analysis is not a cached one."""
    if analysis.cache_key is None:
        return compute()
    # (an analysis stored by this request has nothing derived from it yet)
    return _kept(f"{analysis.cache_key}:{name}", compute, look=not analysis.stored_now)


def shared(analysis: GroupAnalysis, name: str, compute: Callable[[], T]) -> T:
    """`compute()`, something read of the analysed group's organization alone (what its
    version covers: its settings, themes and content library; never the group), cached
    under that version as `name`: read once for all of the organization's groups, not
    again after each write to one of them. Computed every time when the analysis is not a
    cached one. Shared like the rest: read it, never change it."""
    if analysis.organization_key is None:
        return compute()
    return _kept(f"{analysis.organization_key}:{name}", compute)


def snapshot_document(snapshot) -> dict:
    """A snapshot's document (its analysis as of the day it was taken), read once: a
    snapshot is never changed, so its pk and moment name its document for good (the
    moment too: a database restored from a backup may give a pk again). The group page
    compares with last week's after every write; this process then finds it in its memo,
    not in the database. Shared like the rest: read it, never change it."""
    moment = snapshot.taken_at.isoformat().replace(" ", "T")  # no spaces in a cache key
    key = f"{PREFIX}:snapshot:{snapshot.pk}:{moment}:document"
    return _kept(key, lambda: snapshot.document)


def _kept(key: str, compute: Callable[[], T], *, look: bool = True) -> T:
    """What is cached under `key` (unless not `look`ing), else `compute()`, cached."""
    found = _get(key) if look else None
    if found is not None:
        return found
    value = compute()
    _set(key, value)
    return value

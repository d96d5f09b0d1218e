"""The touches of a group up to a moment, as its analysis (`scoring.analysis`) reads them.

One query (compiled once per database, `accounts.prepared_queries.Prepared`) reads them
as rows of a few columns. They are then worked on as columns, not row by row: each
distinct moment is parsed and aged once, each distinct theme text (a message sent to
several people repeats it) decoded once, and the exposure core gets the touches as a
`TouchTable` (`scoring.core.exposure`), without a `TouchEvent` each. The events
themselves (`TouchHistory.events`) are built only when something reads them.

A process remembers how each text it read reads (a theme text's weights, a moment's
datetime; both immutable, bounded least recently used): a group's touches are read again
after every write to it, and their texts have not changed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import compress
from operator import itemgetter

import numpy as np
from django.conf import settings as django_settings
from django.db import connection, router
from django.db.models import F, QuerySet, TextField, Value
from django.db.models.functions import Cast, Coalesce, Concat, NullIf

from accounts.prepared_queries import (
    UNUSED_ID,
    UNUSED_MOMENT,
    Prepared,
    as_given,
    fetch_all,
    moment_of,
)
from planner.models import BuyingGroup, Touch
from scoring.core.exposure import (
    SECONDS_PER_DAY,
    TouchEvent,
    TouchTable,
    read_only_weights,
    recent_activity,
)

RECENT_DAYS = 30
# Texts whose reading a process remembers (see the module; a 500-member group with 10,000
# touches has about 4,500 distinct moments and as many theme texts): under 2 MB each.
THEME_TEXTS_REMEMBERED = 8192
MOMENTS_REMEMBERED = 8192
_first = itemgetter(0)


@dataclass(frozen=True)
class TouchHistory:
    # The touches up to as_of. Everything the rooms above need of them is computed here
    # (exposure, `mass`, ...): a cached analysis (`scoring.cached`) keeps none.
    events: Sequence[TouchEvent]
    seen: dict[str, frozenset[str]]  # person -> asset slugs they received
    recent: int  # touches in the last RECENT_DAYS
    individual_share: float  # of those: written for one person, or reached one member only
    # person -> the recency-weighted touches behind their exposure (`exposure_mass`), set
    # by `analyze` (its half-life is the organization's).
    mass: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ReadTouches:
    """What the analysis takes from the touches: the history, the touches as the exposure
    core takes them, and `recent_activity` of their events (the tailoring index and who
    was touched in the last RECENT_DAYS)."""

    history: TouchHistory
    table: TouchTable
    tailoring: float
    recently_touched: frozenset[str]


class LazyEvents(Sequence):
    """The TouchEvents of a history, built the first time they are read (the analysis
    computes everything from columns and never reads them; a cached analysis keeps none).
    Compares, prints and pickles as the list of events it stands for."""

    def __init__(self, people, occurred, moments, numbers, weights, messages) -> None:
        self._columns = (people, occurred, moments, numbers, weights, messages)
        self._events: list[TouchEvent] | None = None

    def _list(self) -> list[TouchEvent]:
        if self._events is None:
            self._events = _events(*self._columns)
            self._columns = None
        return self._events

    def __len__(self) -> int:
        return len(self._columns[0]) if self._events is None else len(self._events)

    def __getitem__(self, index):
        return self._list()[index]

    def __iter__(self) -> Iterator[TouchEvent]:
        return iter(self._list())

    def __eq__(self, other) -> bool:
        if isinstance(other, LazyEvents):
            other = other._list()
        return self._list() == other if isinstance(other, list) else NotImplemented

    __hash__ = None  # as a list's

    def __repr__(self) -> str:
        return repr(self._list())

    def __reduce__(self):
        return list, (self._list(),)


def _events(people, occurred, moments, numbers, weights, messages) -> list[TouchEvent]:
    """Each touch's event (`moments`: each occurred_at's moment; `numbers`: each touch's
    place in `weights`), as the adapter built them before it read columns."""
    moments = map(moments.__getitem__, occurred)
    weights = map(weights.__getitem__, numbers)
    trusted = TouchEvent.trusted
    return [
        # aware, in UTC, and the weights checked: no check again (else the constructor's)
        trusted(key, moment, themes, message)
        if moment.tzinfo is UTC
        else TouchEvent(key, moment, themes, message)
        for key, moment, themes, message in zip(people, moments, weights, messages, strict=True)
    ]


@lru_cache(maxsize=THEME_TEXTS_REMEMBERED)
def _read_themes(text: str) -> tuple[bool, Mapping[str, float]]:
    """Theme weights as the database holds them (JSON text) to what a TouchEvent keeps:
    (whether the decoded value is truthy, its usable weights, read-only). Remembered by
    the text: the same text always reads the same, and both parts are immutable."""
    value = json.loads(text)
    return bool(value), read_only_weights(value) if value else _EMPTY


_EMPTY: Mapping[str, float] = read_only_weights({})
_NOTHING = (False, _EMPTY)  # no text (no asset): no theme


def _touch_rows(group: BuyingGroup, as_of: datetime):
    """(stakeholder id, occurred_at, themes JSON text, asset themes JSON text, message (its
    key, or `touch-<pk>`), asset slug, level, framing) of the group's touches up to `as_of`
    (newest first), and how to read occurred_at when it is the database's text
    (`touch_columns`)."""
    return touch_columns(Touch.objects.filter(group=group, occurred_at__lte=as_of))


# The touch's message: its key, or `touch-<pk>` for a one-off (what TouchEvent.message_id is).
_MESSAGE = Coalesce(
    NullIf("message_key", Value("")),
    Concat(Value("touch-"), Cast("pk", TextField())),
    output_field=TextField(),
)


def touch_columns(touches, *, leading: tuple[str, ...] = ()):
    """`touches` as the rows `read_touches` reads (after the `leading` columns), and the
    function that reads occurred_at from its text (None: occurred_at is a datetime).

    JSON is read as text, so each distinct text is decoded once (see _read_themes). With
    USE_TZ and the database in UTC, on SQLite and PostgreSQL, the datetime is read as
    text too and parsed by the caller, once per distinct text: Django's row converter
    (SQLite) or timestamptz loader (PostgreSQL) costs more than the analysis itself."""
    read_moment = _moment_reader()
    occurred = Cast("occurred_at", TextField()) if read_moment else F("occurred_at")
    rows = touches.annotate(
        _occurred=occurred,
        _themes=Cast("themes", TextField()),
        _asset_themes=Cast("asset__themes", TextField()),
        _message=_MESSAGE,
    ).values_list(*leading, *_COLUMNS)
    return rows, read_moment


_COLUMNS = (
    "stakeholder_id",
    "_occurred",
    "_themes",
    "_asset_themes",
    "_message",
    "asset__slug",
    "asset__level",
    "asset__framing",
)


def _group_touches(group_id: int, as_of: datetime):
    """`_touch_rows`' query, by the group's id."""
    return touch_columns(Touch.objects.filter(group_id=group_id, occurred_at__lte=as_of))[0]


# The touches' query, compiled once per database (`accounts.prepared_queries.Prepared`);
# a group id and a moment no call passes stand for the parameters.
_TOUCHES = Prepared(
    _group_touches,
    _COLUMNS,
    sentinels=(UNUSED_ID, UNUSED_MOMENT),
    adapt=(as_given, moment_of(Touch._meta.get_field("occurred_at"))),
)


def _read_rows(group: BuyingGroup, as_of: datetime) -> tuple[list[tuple], Callable | None]:
    """What `_touch_rows` gives, read: the rows, and how to read occurred_at."""
    read_moment = _moment_reader()
    if read_moment is None:  # a datetime each: Django converts them
        return list(_touch_rows(group, as_of)[0]), None
    return _TOUCHES.rows(router.db_for_read(Touch), group.pk, as_of), read_moment


def _sqlite_moment(text: str) -> datetime:
    """SQLite's text of a moment (naive, in UTC) as an aware datetime in UTC: as
    `fromisoformat` then `.replace(tzinfo=UTC)`, in a tenth of the time."""
    try:
        return datetime.fromisoformat(text + "+00:00")  # tzinfo: the UTC singleton
    except ValueError:  # the text has an offset of its own
        moment = datetime.fromisoformat(text)
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _postgres_moment(text: str) -> datetime:
    """PostgreSQL's text of a timestamptz (`2026-11-01 09:30:00.25+00`: the ISO DateStyle
    Django's psycopg loader needs, in the session's time zone, UTC) as that loader reads
    it: aware, in UTC."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)


# Remembered by their text, as theme texts are (`THEME_TEXTS_REMEMBERED`): a datetime is
# immutable, and the same touches are read again after every write to the group.
_TEXT_MOMENTS = {
    "sqlite": lru_cache(maxsize=MOMENTS_REMEMBERED)(_sqlite_moment),
    "postgresql": lru_cache(maxsize=MOMENTS_REMEMBERED)(_postgres_moment),
}


def _moment_reader() -> Callable[[str], datetime] | None:
    """How to read occurred_at from the database's text, or None when Django should."""
    if not (django_settings.USE_TZ and connection.timezone is UTC):
        return None
    return _TEXT_MOMENTS.get(connection.vendor)


def touch_history(
    group: BuyingGroup, *, as_of: datetime, emails: dict[int, str], rows: tuple | None = None
) -> TouchHistory:
    """The history of `read_touches`."""
    return read_touches(group, as_of=as_of, emails=emails, rows=rows).history


def read_touches(
    group: BuyingGroup, *, as_of: datetime, emails: dict[int, str], rows: tuple | None = None
) -> ReadTouches:
    """The group's touches up to `as_of` that reached someone in `emails` (stakeholder id
    -> key). `rows`: what `_touch_rows` returns, when already read
    (`scoring.batch_analysis`)."""
    rows, read_moment = rows if rows is not None else _read_rows(group, as_of)
    rows = fetch_all(rows, _COLUMNS) if isinstance(rows, QuerySet) else list(rows)
    keys = list(dict.fromkeys(emails.values()))
    if not rows:
        history = TouchHistory(events=[], seen={}, recent=0, individual_share=0.0)
        return ReadTouches(history, TouchTable(keys, [], [], [], []), 0.0, frozenset())
    columns = list(zip(*rows, strict=True))
    people = list(map(emails.get, columns[0]))
    if None in people:  # a touch of someone not in the map: not counted
        kept = [key is not None for key in people]
        columns = [list(compress(column, kept)) for column in columns]
        people = list(compress(people, kept))
    ids, occurred, themes, asset_themes, messages, slugs, levels, framings = columns
    moments, age_days, recent_moments, future = _moments(occurred, read_moment, as_of)
    weights, numbers = _weights(themes, asset_themes)
    # A message's recipients: the distinct people among all its touches.
    recipients = Counter(map(_first, set(zip(messages, people, strict=True))))
    recent = list(map(recent_moments.__contains__, occurred))
    events = LazyEvents(people, occurred, moments, numbers, weights, messages)
    recent_rows = list(compress(zip(messages, levels, framings, strict=True), recent))
    alone = {message for message, count in recipients.items() if count == 1}
    individual = sum(
        1
        for message, level, framing in recent_rows
        if level == "individualized" or framing == "individual" or message in alone
    )
    seen: dict[str, set[str]] = {}
    for key, slug in compress(zip(people, slugs, strict=True), slugs):
        seen.setdefault(key, set()).add(slug)
    history = TouchHistory(
        events=events,
        seen={key: frozenset(found) for key, found in seen.items()},
        recent=len(recent_rows),
        individual_share=individual / len(recent_rows) if recent_rows else 0.0,
    )
    if future:  # touches after as_of: recent_activity leaves them out, as it did
        tailoring, touched = recent_activity(events, as_of=as_of, window_days=RECENT_DAYS)
    else:  # the same: every touch counts, and the recent ones are those of the window
        single = sum(map(alone.__contains__, compress(messages, recent)))
        tailoring = single / len(recent_rows) if recent_rows else 0.0
        touched = frozenset(set(compress(people, recent)))  # (as recent_activity builds it)
    number = {key: n for n, key in enumerate(keys)}
    person = {pk: number[key] for pk, key in emails.items()}
    table = TouchTable(
        keys=keys,
        person=np.fromiter(map(person.__getitem__, ids), dtype=np.intp, count=len(ids)),
        age_days=np.fromiter(map(age_days.__getitem__, occurred), float, count=len(ids)),
        themes=numbers,
        weights=weights,
    )
    return ReadTouches(history, table, tailoring, touched)


def _moments(occurred, read_moment, as_of: datetime):
    """Each distinct occurred_at (the database's text, or a datetime): the moment, as
    Django reads it (aware, in UTC); its age in days at `as_of`, as the exposure core
    computes it; the moments in the last RECENT_DAYS; whether any is after `as_of`."""
    since = as_of - timedelta(days=RECENT_DAYS)  # as_of - occurred_at <= the window
    values = list(dict.fromkeys(occurred))
    found = list(map(read_moment, values)) if read_moment else values
    for moment in found:
        if moment.tzinfo is not UTC:  # checked as a TouchEvent checks it
            TouchEvent("", moment, _EMPTY)
    ages = [(as_of - moment).total_seconds() / SECONDS_PER_DAY for moment in found]
    recent = {value for value, moment in zip(values, found, strict=True) if moment >= since}
    future = bool(ages) and min(ages) < 0
    return (
        dict(zip(values, found, strict=True)),
        dict(zip(values, ages, strict=True)),
        recent,
        future,
    )


def _weights(themes, asset_themes):
    """The theme weights of each distinct (themes, asset themes) pair of the touches (as
    `themes or asset_themes or {}` on the decoded values), and each touch's place in that
    list."""
    if any(asset_themes):
        pairs = list(zip(themes, asset_themes, strict=True))
    else:  # no touch with an asset's themes: each touch's own text is its key
        pairs = themes
        asset_themes = None
    distinct = list(dict.fromkeys(pairs))
    place = dict(zip(distinct, range(len(distinct)), strict=True))
    if asset_themes is None:
        distinct = [(text, None) for text in distinct]
    return list(map(_touch_weights, distinct)), list(map(place.__getitem__, pairs))


@lru_cache(maxsize=THEME_TEXTS_REMEMBERED)
def _touch_weights(pair: tuple[str | None, str | None]) -> Mapping[str, float]:
    """The weights of a touch whose themes and asset's themes read `pair` (JSON texts; None:
    no asset), remembered as `_read_themes` is."""
    text, asset_text = pair
    given, found = _NOTHING if text is None else _read_themes(text)
    if not given and asset_text is not None:
        found = _read_themes(asset_text)[1]
    return found

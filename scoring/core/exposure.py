"""What each stakeholder has heard: theme exposure and how tailored the messages were.

Plain Python, no Django. A `TouchEvent` is one message or asset that reached one person;
touches that share a `message_id` are the same message sent to several people.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain
from operator import itemgetter, methodcaller
from types import MappingProxyType

import numpy as np

SECONDS_PER_DAY = 86_400.0
_INF = math.inf
_first = itemgetter(0)
_second = itemgetter(1)
_values = methodcaller("values")


@dataclass(frozen=True, init=False)
class TouchEvent:
    key: str  # stakeholder key (email)
    occurred_at: datetime  # timezone-aware
    themes: Mapping[str, float] = field(hash=False)  # slug -> weight; kept only if > 0
    message_id: str | None = None  # touches sharing a message_id went to several people

    # A hand-written __init__ (the adapter builds thousands of these per analysis): the
    # same checks as a dataclass __init__ plus __post_init__ would make, in fewer steps.
    def __init__(
        self,
        key: str,
        occurred_at: datetime,
        themes: Mapping[str, float],
        message_id: str | None = None,
    ) -> None:
        if occurred_at.__class__ is not datetime or occurred_at.tzinfo is not UTC:
            _require_aware(occurred_at, "occurred_at")  # the common case needs no call
        # Only positive, finite weights are kept: anything else carries no theme.
        try:  # positive_weights' fast path, inline
            usable = {k: float(v) for k, v in themes.items() if 0.0 < v < _INF}
        except (TypeError, ArithmeticError, ValueError):
            usable = positive_weights(themes)
        fields = self.__dict__  # frozen: write the fields without __setattr__
        fields["key"] = key
        fields["occurred_at"] = occurred_at
        fields["themes"] = MappingProxyType(usable)
        fields["message_id"] = message_id

    @classmethod
    def trusted(
        cls,
        key: str,
        occurred_at: datetime,
        themes: Mapping[str, float],
        message_id: str | None = None,
    ) -> TouchEvent:
        """A TouchEvent built without checks, for adapters that guarantee what the
        constructor would check: `occurred_at` is timezone-aware and `themes` is a
        read-only mapping (a MappingProxyType) holding only positive, finite floats, as
        :func:`read_only_weights` returns. Several events may share one `themes`."""
        event = object.__new__(cls)
        fields = event.__dict__
        fields["key"] = key
        fields["occurred_at"] = occurred_at
        fields["themes"] = themes
        fields["message_id"] = message_id
        return event


def read_only_weights(weights: Mapping[str, float]) -> Mapping[str, float]:
    """What :class:`TouchEvent` keeps of `weights`: the positive, finite ones, as floats,
    read-only (to pass to :meth:`TouchEvent.trusted`)."""
    return MappingProxyType(positive_weights(weights))


@dataclass(frozen=True)
class TouchTable:
    """Touches as columns, for an adapter that reads them as rows and builds no TouchEvent:
    touch ``i`` reached ``keys[person[i]]``, ``age_days[i]`` days before the moment the
    exposure is computed for (negative: after it), with the theme weights
    ``weights[themes[i]]`` (each as :func:`read_only_weights` returns it: positive, finite
    floats; touches of one message share one). Touches are listed in the order
    :func:`exposure` would be given them as events; ``age_days`` is what it would compute,
    ``(as_of - occurred_at).total_seconds() / SECONDS_PER_DAY``."""

    keys: Sequence[str]
    person: Sequence[int]
    age_days: Sequence[float]
    themes: Sequence[int]
    weights: Sequence[Mapping[str, float]]


def exposure(
    touches: Sequence[TouchEvent], *, as_of: datetime, half_life_days: float = 30.0
) -> dict[str, dict[str, float]]:
    """Each person's exposure: a probability distribution over the themes they have heard.

    Theme weights are summed over the person's touches, each touch weighted by
    ``0.5 ** (age_days / half_life_days)``, so a touch one half-life old counts half.
    Touches after ``as_of`` are ignored, as are non-positive or non-finite theme weights.
    People with no counted touch are absent. Each inner dict is sorted by weight, largest
    first (then by slug); the dicts are fresh and belong to the caller.
    """
    return exposure_and_mass(touches, as_of=as_of, half_life_days=half_life_days)[0]


def exposure_mass(
    touches: Sequence[TouchEvent], *, as_of: datetime, half_life_days: float = 30.0
) -> dict[str, float]:
    """Each person's total recency-weighted touch weight: the mass behind their exposure.

    Counts exactly the touches :func:`exposure` counts (not after ``as_of``, at least one
    usable theme), each as ``0.5 ** (age_days / half_life_days)``: a touch today weighs 1,
    one a half-life old 0.5. So a new touch of weight 1 mixed into an exposure of mass
    ``m`` moves it as much as one more fresh touch would. The keys are exactly those of
    :func:`exposure` (people with no counted touch are absent); values are finite and
    positive, except that touches thousands of half-lives old underflow to 0.
    """
    return exposure_and_mass(touches, as_of=as_of, half_life_days=half_life_days)[1]


def exposure_and_mass(
    touches: Sequence[TouchEvent], *, as_of: datetime, half_life_days: float = 30.0
) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """``(exposure(...), exposure_mass(...))`` with one pass over the touches."""
    _require_aware(as_of, "as_of")
    return table_exposure_and_mass(_table(touches, as_of), half_life_days=half_life_days)


def _table(touches: Sequence[TouchEvent], as_of: datetime) -> TouchTable:
    keys: dict[str, int] = {}
    ages: dict[datetime, float] = {}  # a message sent to several people: one moment
    weights: dict[int, int] = {}  # id of a touch's themes -> its index in `table`
    table: list[Mapping[str, float]] = []
    person, age_days, themes = [], [], []
    for touch in touches:
        person.append(keys.setdefault(touch.key, len(keys)))
        moment = touch.occurred_at
        age = ages.get(moment)
        if age is None:
            age = ages[moment] = (as_of - moment).total_seconds() / SECONDS_PER_DAY
        age_days.append(age)
        found = weights.get(id(touch.themes))
        if found is None:
            found = weights[id(touch.themes)] = len(table)
            table.append(touch.themes)
        themes.append(found)
    return TouchTable(list(keys), person, age_days, themes, table)


def table_exposure_and_mass(
    table: TouchTable, *, half_life_days: float = 30.0
) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """:func:`exposure_and_mass` of the touches in `table`, float for float: each person's
    touches are counted (not after the moment, at least one theme) and summed in the
    order given, and the decay is taken relative to the person's newest touch (the ratio
    between weights, and so the distribution, is the same, but very old touches never
    underflow). People come in the order of their first counted touch."""
    if not (half_life_days > 0):  # also rejects NaN
        raise ValueError("half_life_days must be a positive number")
    sizes, slugs, flat_slug, flat_weight, top_weight = _flat_weights(table.weights)
    themes = np.asarray(table.themes, dtype=np.intp).reshape(-1)
    age = np.asarray(table.age_days, dtype=np.float64).reshape(-1)
    counted = np.flatnonzero((sizes[themes] > 0) & ~(age < 0)) if len(themes) else themes
    if not len(counted):
        return {}, {}
    themes, age = themes[counted], age[counted]
    # People in the order of their first counted touch, numbered 0.. in that order.
    person = np.asarray(table.person, dtype=np.intp).reshape(-1)[counted]
    first = np.full(len(table.keys), len(person))
    np.minimum.at(first, person, np.arange(len(person)))
    found = np.flatnonzero(first < len(person))
    found = found[np.argsort(first[found], kind="stable")]
    slot = np.empty(len(table.keys), dtype=np.intp)
    slot[found] = np.arange(len(found))
    slot = slot[person]
    keys = [table.keys[i] for i in found.tolist()]
    people = len(keys)
    mass = _masses(slot, (age / half_life_days).tolist(), people)
    newest = np.full(people, np.inf)
    np.minimum.at(newest, slot, age)
    top = np.zeros(people)
    np.maximum.at(top, slot, top_weight[themes])  # the largest weight (keeps sums finite)
    # Python's float power on each touch (numpy's may round the last digit differently).
    decay = np.array([0.5**x for x in ((age - newest[slot]) / half_life_days).tolist()])
    # Each touch's themes, in its mapping's order: the (touch, theme) pairs, touch by touch.
    count = sizes[themes]
    touch = np.repeat(np.arange(len(themes)), count)
    ends = np.cumsum(count)
    starts = np.cumsum(sizes) - sizes  # of each entry of table.weights in the flat arrays
    at = np.arange(ends[-1]) - np.repeat(ends - count - starts[themes], count)
    owner = slot[touch]
    share = (flat_weight[at] / top[owner]) * decay[touch]
    # bincount adds each cell's terms one at a time in the order given: the Python sums.
    cells = owner * len(slugs) + flat_slug[at]
    sums = np.bincount(cells, weights=share, minlength=people * len(slugs))
    exposures = _distributions(keys, slugs, sums.reshape(people, len(slugs)))
    return exposures, dict(zip(keys, mass, strict=True))


def _flat_weights(weights: Sequence[Mapping[str, float]]):
    """The number of themes of each entry of `weights`, every entry laid end to end (each
    theme's number, the themes numbered in order of appearance, and its weight), and each
    entry's largest weight (0 when empty)."""
    sizes = np.fromiter(map(len, weights), dtype=np.intp, count=len(weights))
    names = list(chain.from_iterable(weights))  # a mapping's keys and values: in one order
    value = np.fromiter(chain.from_iterable(map(_values, weights)), float, count=len(names))
    slugs = {slug: n for n, slug in enumerate(dict.fromkeys(names))}
    numbers = np.fromiter(map(slugs.__getitem__, names), dtype=np.intp, count=len(names))
    top = np.zeros(len(weights))
    filled = np.flatnonzero(sizes)
    if len(filled):
        top[filled] = np.maximum.reduceat(value, (np.cumsum(sizes) - sizes)[filled])
    return sizes, list(slugs), numbers, value, top


def _masses(slot: np.ndarray, exponents: list[float], people: int) -> list[float]:
    """Each person's ``fsum`` of ``0.5 ** exponent`` over their touches (Python's power)."""
    decays = np.array([0.5**exponent for exponent in exponents])
    order = np.argsort(slot, kind="stable")
    ends = np.cumsum(np.bincount(slot, minlength=people)).tolist()
    decays = decays[order].tolist()
    return [math.fsum(decays[begin:end]) for begin, end in zip([0, *ends], ends, strict=False)]


def _distributions(
    keys: list[str], slugs: list[str], sums: np.ndarray
) -> dict[str, dict[str, float]]:
    """Each row of `sums` as :func:`to_distribution` makes it, float for float: the
    positive, finite sums over the largest, each over their ``fsum``, largest first (then
    by slug); people whose row has none are left out."""
    usable = (sums > 0) & (sums < _INF)
    largest = np.where(usable, sums, 0.0).max(axis=1, initial=0.0)
    scaled = np.divide(sums, largest[:, None], out=np.zeros_like(sums), where=usable)
    totals = np.array([math.fsum(row) for row in scaled.tolist()])
    rows, columns = np.nonzero(scaled > 0)
    values = scaled[rows, columns]
    by_slug = np.empty(len(slugs), dtype=np.intp)
    by_slug[sorted(range(len(slugs)), key=slugs.__getitem__)] = np.arange(len(slugs))
    order = np.lexsort((by_slug[columns], -values, rows))
    rows, columns = rows[order], columns[order]
    shares = (values[order] / totals[rows]).tolist()
    result: dict[str, dict[str, float]] = {}
    bounds = np.flatnonzero(np.diff(rows)) + 1
    for begin, end in zip([0, *bounds.tolist()], [*bounds.tolist(), len(shares)], strict=True):
        if begin < end:
            names = [slugs[c] for c in columns[begin:end].tolist()]
            result[keys[int(rows[begin])]] = dict(zip(names, shares[begin:end], strict=True))
    return result


def tailoring_index(
    touches: Sequence[TouchEvent], *, as_of: datetime, window_days: float = 30.0
) -> float:
    """Share in [0, 1] of recent touches whose message reached one member only.

    Recent means ``as_of - window_days <= occurred_at <= as_of``. A message's recipients
    are the distinct people among all touches up to ``as_of`` with that ``message_id``
    (so a message sent to a colleague earlier still counts as shared); a touch without a
    ``message_id`` counts as single-recipient. Returns 0.0 when there is no recent touch.
    """
    return recent_activity(touches, as_of=as_of, window_days=window_days)[0]


def recent_activity(
    touches: Sequence[TouchEvent], *, as_of: datetime, window_days: float = 30.0
) -> tuple[float, frozenset[str]]:
    """``(tailoring_index(touches, ...), keys)`` in one pass over the touches, where
    ``keys`` are the people with a recent touch (``as_of - window_days <= occurred_at <=
    as_of``), i.e. those whose touches the tailoring index counts as recent."""
    _require_aware(as_of, "as_of")
    if not (window_days >= 0) or math.isinf(window_days):  # rejects NaN, negatives, inf
        raise ValueError("window_days must be a finite number >= 0")
    window_seconds = window_days * SECONDS_PER_DAY

    recipients: dict[str, set[str]] = {}
    find = recipients.get
    recent: list[str | None] = []  # the message ids of recent touches
    keys: set[str] = set()
    for touch in touches:
        age_seconds = (as_of - touch.occurred_at).total_seconds()
        if age_seconds < 0:
            continue
        message = touch.message_id
        if message is not None:
            people = find(message)
            if people is None:
                recipients[message] = {touch.key}
            else:
                people.add(touch.key)
        if age_seconds <= window_seconds:
            recent.append(message)
            keys.add(touch.key)
    if not recent:
        return 0.0, frozenset()
    single = sum(1 for message in recent if message is None or len(recipients[message]) == 1)
    return single / len(recent), frozenset(keys)


def positive_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """The entries whose value is a positive, finite number, as floats (others dropped)."""
    try:  # fast path: plain numbers
        return {key: float(v) for key, v in weights.items() if 0.0 < v < _INF}
    except (TypeError, ArithmeticError, ValueError):
        pass
    usable = {}
    for key, value in weights.items():
        try:
            number = float(value)
        except (TypeError, ArithmeticError, ValueError):
            continue
        if math.isfinite(number) and number > 0:
            usable[key] = number
    return usable


def to_distribution(weights: Mapping[str, float]) -> dict[str, float]:
    """Positive, finite weights normalised to sum 1, largest first (then by key); empty
    when nothing is usable. Scaled by the largest weight first so the total cannot overflow.
    """
    values = positive_weights(weights)
    if not values:
        return {}
    largest = max(values.values())
    scaled = [(key, v / largest) for key, v in values.items()]
    total = math.fsum([v for _, v in scaled])
    # Largest first, then by key: by key (keys are unique), then stably by value.
    scaled.sort(key=_first)
    scaled.sort(key=_second, reverse=True)
    return {key: v / total for key, v in scaled if v > 0}


def _require_aware(moment: datetime, name: str) -> None:
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")

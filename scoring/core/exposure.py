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
    _check(as_of, half_life_days)
    return _distributions(_counted(touches, as_of), half_life_days)


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
    _check(as_of, half_life_days)
    return _masses(_counted(touches, as_of), half_life_days)


def exposure_and_mass(
    touches: Sequence[TouchEvent], *, as_of: datetime, half_life_days: float = 30.0
) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """``(exposure(...), exposure_mass(...))`` with one pass over the touches."""
    _check(as_of, half_life_days)
    counted = _counted(touches, as_of)
    return _distributions(counted, half_life_days), _masses(counted, half_life_days)


def _check(as_of: datetime, half_life_days: float) -> None:
    _require_aware(as_of, "as_of")
    if not (half_life_days > 0):  # also rejects NaN
        raise ValueError("half_life_days must be a positive number")


def _counted(
    touches: Sequence[TouchEvent], as_of: datetime
) -> dict[str, list[tuple[float, Mapping[str, float]]]]:
    """Each person's counted touches (at least one usable theme, not after ``as_of``) as
    (age in days, themes), in the order given."""
    per_person: dict[str, list[tuple[float, Mapping[str, float]]]] = {}
    find = per_person.get
    ages: dict[datetime, float] = {}  # a message sent to several people: one moment
    age_of = ages.get
    for touch in touches:
        themes = touch.themes
        if not themes:
            continue
        moment = touch.occurred_at
        age_days = age_of(moment)
        if age_days is None:
            age_days = ages[moment] = (as_of - moment).total_seconds() / SECONDS_PER_DAY
        if age_days < 0:
            continue
        items = find(touch.key)
        if items is None:
            per_person[touch.key] = [(age_days, themes)]
        else:
            items.append((age_days, themes))
    return per_person


def _distributions(
    per_person: dict[str, list[tuple[float, Mapping[str, float]]]], half_life_days: float
) -> dict[str, dict[str, float]]:
    # The decay is taken relative to the person's newest touch: the ratio between weights
    # (and hence the distribution) is the same, but very old touches never underflow.
    result: dict[str, dict[str, float]] = {}
    for key, items in per_person.items():
        newest = min([age for age, _ in items])
        # The largest weight of all (keeps the sums finite), without a Python-level loop.
        top = max(chain.from_iterable(map(_values, map(_second, items))))
        sums: dict[str, float] = {}
        total = sums.get
        for age, themes in items:
            decay = 0.5 ** ((age - newest) / half_life_days)
            if decay == 0.0:
                continue
            for slug, w in themes.items():
                sums[slug] = total(slug, 0.0) + (w / top) * decay
        distribution = to_distribution(sums)
        if distribution:
            result[key] = distribution
    return result


def _masses(
    per_person: dict[str, list[tuple[float, Mapping[str, float]]]], half_life_days: float
) -> dict[str, float]:
    return {
        key: math.fsum([0.5 ** (age / half_life_days) for age, _ in items])
        for key, items in per_person.items()
    }


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

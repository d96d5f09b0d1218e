"""What the consensus forecast (`scoring.core.forecast`) takes and returns: a group, a
planned send, a forecast, a first recipient. Plain Python, no Django.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from scoring.core.exposure import positive_weights
from scoring.core.graph import Person, Tie


def frozen_mapping(mapping: Mapping) -> Mapping:
    """A read-only copy of `mapping`."""
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Group:
    """A buying group as the forecast needs it."""

    people: tuple[Person, ...]
    ties: tuple[Tie, ...]
    exposures: Mapping[str, Mapping[str, float]] = field(hash=False)  # key -> theme shares
    mass: Mapping[str, float] = field(default_factory=dict, hash=False)  # touches behind it

    def __post_init__(self) -> None:
        object.__setattr__(self, "people", tuple(self.people))
        object.__setattr__(self, "ties", tuple(self.ties))
        object.__setattr__(self, "exposures", frozen_mapping(self.exposures))
        object.__setattr__(self, "mass", frozen_mapping(self.mass))


@dataclass(frozen=True)
class Send:
    """An asset (its theme weights) sent to some members at week 0."""

    themes: Mapping[str, float] = field(hash=False)
    recipients: tuple[str, ...]
    touches: float = 1.0  # how many fresh touches it counts as (several assets: several)

    def __post_init__(self) -> None:
        object.__setattr__(self, "themes", frozen_mapping(self.themes))
        object.__setattr__(self, "recipients", tuple(self.recipients))


@dataclass(frozen=True)
class Forecast:
    weeks: int
    trajectory: tuple[float, ...]  # divergence at weeks 0..weeks; week 0: today, sent
    divergence: float  # at `weeks`
    steady: float  # where it settles (closed-form steady state)
    settles_in: int  # weeks until within SETTLE_TOLERANCE of `steady`
    mixes: Mapping[str, Mapping[str, float]] = field(hash=False)  # at `weeks`: `Mixes`
    openness: Mapping[str, float] = field(hash=False)


@dataclass(frozen=True)
class FirstRecipient:
    key: str
    divergence: float  # forecast at the horizon if the asset goes to this person alone


class Mixes(Mapping):
    """Each member's mix of themes (key -> theme -> share): the rows of `x` (members x
    themes) normalised, largest share first, then by theme; empty for a row that adds up
    to 1e-12 or less. Read-only, and made when first read: most forecasts are asked only
    for their divergence."""

    def __init__(self, keys: Sequence[str], themes: Sequence[str], x: np.ndarray) -> None:
        self._keys = tuple(keys)
        self._themes = tuple(themes)
        self._x = np.array(x, dtype=float)  # a copy: the caller's array may change
        self._mixes: dict[str, Mapping[str, float]] | None = None

    def _made(self) -> dict[str, Mapping[str, float]]:
        if self._mixes is None:
            self._mixes = dict(zip(self._keys, _row_mixes(self._x, self._themes), strict=True))
        return self._mixes

    def __getitem__(self, key: str) -> Mapping[str, float]:
        return self._made()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._made())

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return f"Mixes({self._made()!r})"

    def __reduce__(self):
        return Mixes, (self._keys, self._themes, self._x)


def _row_mixes(x: np.ndarray, themes: Sequence[str]) -> list[Mapping[str, float]]:
    """Each row of `x` as a read-only theme mix: its positive entries over the row's total,
    largest first, then by theme; empty when the row adds up to 1e-12 or less."""
    totals = x.sum(axis=1)
    has = totals > 1e-12
    shares = x / np.where(has, totals, 1.0)[:, None]
    rows, columns = np.nonzero((x > 0) & has[:, None])
    by_name = np.empty(len(themes), dtype=np.intp)
    by_name[sorted(range(len(themes)), key=themes.__getitem__)] = np.arange(len(themes))
    values = shares[rows, columns]
    order = np.lexsort((by_name[columns], -values, rows))
    names = [themes[j] for j in columns[order].tolist()]
    ends = np.cumsum(np.bincount(rows, minlength=len(x))).tolist()
    values = values[order].tolist()
    mixes, start = [], 0
    for end in ends:
        mixes.append(MappingProxyType(dict(zip(names[start:end], values[start:end], strict=True))))
        start = end
    return mixes


# ----------------------------------------------------------------------------- small parts


def checked_weeks(weeks: int) -> int:
    """A horizon in weeks: a whole number, 0 or more."""
    weeks = int(weeks)
    if weeks < 0:
        raise ValueError("weeks must be 0 or more")
    return weeks


def positive(value) -> float:
    """`value` as a float when it is a positive finite number, else 0."""
    try:
        number = float(value)
    except (TypeError, ValueError, ArithmeticError):
        return 0.0
    return number if math.isfinite(number) and number > 0 else 0.0


def theme_shares(weights: Mapping[str, float]) -> dict[str, float]:
    """The positive finite weights as shares of their exact sum (empty: nothing usable)."""
    values = positive_weights(weights)
    total = math.fsum(values.values()) if values else 0.0
    if not (0.0 < total < math.inf):
        return {}
    return {k: v / total for k, v in values.items()}


def unit(value: float) -> float:
    """`value` clamped into [0, 1]; 0 when it is not a finite number."""
    value = float(value)
    if not math.isfinite(value):
        return 0.0
    return min(1.0, max(0.0, value))

"""What the consensus forecast (`scoring.core.forecast`) takes and returns: a group, a
planned send, a forecast, a first recipient. Plain Python, no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

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
    mixes: Mapping[str, Mapping[str, float]] = field(hash=False)  # at `weeks`, normalised
    openness: Mapping[str, float] = field(hash=False)


@dataclass(frozen=True)
class FirstRecipient:
    key: str
    divergence: float  # forecast at the horizon if the asset goes to this person alone

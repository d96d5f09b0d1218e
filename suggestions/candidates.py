"""What the suggestion engine takes and returns (assets, the audience, suggestions, the
plan) and the weights it scores with. Pure Python, no Django (rules: `suggestions.engine`).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

STAGES = (
    "problem_identification",
    "solution_exploration",
    "requirements_building",
    "supplier_selection",
    "validation",
    "consensus_creation",
)
CONSENSUS_STAGE = "consensus_creation"

# Group need: how the three views of "what this group needs to hear" are mixed.
NEED_PRIORITIES = 0.4
NEED_DIVERGENCE = 0.3
NEED_COMMON_GROUND = 0.3

# Parts of an asset's score (they add up to 1).
W_COVERAGE = 0.35
W_REACH = 0.15
W_FRAMING = 0.15
W_LEVEL = 0.10
W_STAGE = 0.15
W_UNSEEN = 0.10

COVERAGE_TOP_THEMES = 3
COVERAGE_STEEPNESS = 2.0

FRAMING_FIT = {"shared_problem": 1.0, "solution": 0.5, "individual": 0.0}
LEVEL_FIT = {"mass_customized": 1.0, "mass": 0.7, "individualized": 0.0}
UNKNOWN_FIT = 0.5  # a framing or level the library does not know
INDIVIDUALIZED = "individualized"
INDIVIDUALIZED_FACTOR = 0.5

STAGE_EXACT = 1.0
STAGE_ADJACENT = 0.4
CONSENSUS_FIT = 0.75
HIGH_DIVERGENCE = 0.4

WIDEN_SCALE = 0.1
WIDEN_MAX_PENALTY = 0.5

# The set.
SET_WIDEN_TOLERANCE = 0.02
COVERED_RESIDUAL = 0.25
NEAR_DUPLICATE = 0.9

# Exact divergence checks while ranking.
EXACT_MIN = 30
EXACT_MAX = 256
EXACT_BATCH = 32

SCORE_DECIMALS = 4
_SNAP = 1e-12
_CHAMPION = "champion"


def _frozen(mapping: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Candidate:
    """An asset of the content library."""

    key: str
    title: str
    framing: str  # shared_problem | solution | individual
    level: str  # mass | mass_customized | individualized
    stage: str  # one of STAGES
    themes: Mapping[str, float] = field(hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "themes", _frozen(self.themes))


@dataclass(frozen=True)
class Audience:
    """One member of the buying group."""

    key: str
    name: str
    influence: float
    role: str  # HubSpot buying role label, e.g. "Champion"
    consent: bool
    exposure: Mapping[str, float] = field(hash=False)  # normalised; empty = never reached
    mass: float  # recency-weighted touch weight behind the exposure (0 if none)
    priorities: Mapping[str, float] = field(hash=False)
    seen: frozenset[str]  # candidate keys this person already received
    broker: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "exposure", _frozen(self.exposure))
        object.__setattr__(self, "priorities", _frozen(self.priorities))
        object.__setattr__(self, "seen", frozenset(self.seen))


@dataclass(frozen=True)
class Suggestion:
    asset: str
    title: str
    score: float  # 0..1
    reasons: tuple[str, ...]  # 2 to 4 plain-words sentences
    recipients: tuple[str, ...]  # keys; the first is the person to send it to first
    send_first: str | None
    # Who goes first and why, for pages that say it once for a list of suggestions:
    # the person's name and a clause ("they link the sides of the group"). The last of
    # `reasons` says the same in a full sentence (kept for the JSON documents).
    first_name: str = ""
    first_why: str = ""


@dataclass(frozen=True)
class Plan:
    suggestions: tuple[Suggestion, ...]  # the set to send, in the order it was picked
    ranked: tuple[Suggestion, ...]  # the best assets one by one, best first
    divergence_before: float
    divergence_after: float  # if the whole set is sent to every contactable member
    readiness_before: int | None
    readiness_after: int | None
    warnings: tuple[str, ...]
    # Assets every contactable member already received: out of the ranking, listed apart.
    already_sent: tuple[Suggestion, ...] = ()

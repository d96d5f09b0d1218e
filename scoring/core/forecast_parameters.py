"""The consensus forecast's parameters, with the reasons for each value.

Plain Python, no Django. `PARAMETERS` is the table the organization settings page and
docs/scoring.md show; `openness` turns a member's stance and buying role into how much
of their story, each week, comes from the people they listen to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from scoring.core.graph import Person

# Openness by stance: the share of a member's story that, each week, comes from the people
# they listen to. Friedkin and Johnsen measured susceptibilities of roughly 0.3 to 0.8 in
# small working groups (1999, 2011): undecided people listen most, people who have made up
# their mind least.
STANCE_OPENNESS: Mapping[str, float] = MappingProxyType(
    {"neutral": 0.6, "supporter": 0.5, "unknown": 0.5, "skeptic": 0.3}
)
# A buying role scales it: a blocker defends a position, deciders weigh what they hear
# against their own mandate. Roles are HubSpot's labels, compared case-insensitively.
ROLE_FACTOR: Mapping[str, float] = MappingProxyType(
    {"blocker": 0.5, "decision maker": 0.8, "executive sponsor": 0.8}
)
MAX_OPENNESS = 0.9  # nobody gives up their own story entirely (keeps I - ΛW invertible)
NEW_TOUCH_WEIGHT = 1.0  # a planned send counts as one fresh touch (as the suggestion engine)
DEFAULT_WEEKS = 12  # the forecast horizon: about one quarter, a typical B2B decision stage
SETTLE_TOLERANCE = 0.01  # "settles": within 1 point of the steady state
MAX_SETTLE_WEEKS = 104

PARAMETERS: tuple[tuple[str, str, str], ...] = (
    (
        "Openness by stance",
        "neutral 0.6, supporter 0.5, unknown 0.5, skeptic 0.3",
        "Share of a member's story that comes each week from the people they listen to. "
        "Friedkin and Johnsen measured 0.3 to 0.8 in small working groups; undecided "
        "people listen most, skeptics least.",
    ),
    (
        "Openness by role",
        "Blocker x0.5, Decision Maker x0.8, Executive Sponsor x0.8, others x1",
        "A blocker defends a position; deciders weigh what they hear against their own mandate.",
    ),
    (
        "Openness of someone who listens to nobody",
        "0",
        "With no mapped relationship bringing them a story, a member keeps their own.",
    ),
    (
        "Highest openness",
        f"{MAX_OPENNESS}",
        "Nobody gives up their own story entirely; keeps the steady state well defined.",
    ),
    (
        "Whom a member listens to",
        "strength x the speaker's influence",
        "influences: the target hears the source; reports_to: the report hears the manager; "
        "collaborates: both ways; conflicts_with: no story. Each member's weights add up "
        "to 1.",
    ),
    (
        "A planned send",
        f"one fresh touch (weight {NEW_TOUCH_WEIGHT})",
        "Mixed into each recipient's exposure as the suggestion engine does, then it spreads.",
    ),
    (
        "Horizon",
        f"{DEFAULT_WEEKS} weeks, one round of conversations a week",
        "About one quarter, a typical length of a B2B buying stage.",
    ),
)


@dataclass(frozen=True)
class Parameters:
    stance_openness: Mapping[str, float] = field(default_factory=lambda: STANCE_OPENNESS)
    role_factor: Mapping[str, float] = field(default_factory=lambda: ROLE_FACTOR)
    unknown_openness: float = 0.5  # a stance not in stance_openness
    max_openness: float = MAX_OPENNESS
    new_touch_weight: float = NEW_TOUCH_WEIGHT


DEFAULT_PARAMETERS = Parameters()


def openness(person: Person, *, listens: bool, parameters: Parameters = DEFAULT_PARAMETERS):
    """How open `person` is to the people they listen to (0 when they listen to nobody)."""
    if not listens:
        return 0.0
    stance = (person.stance or "").strip().lower()
    value = parameters.stance_openness.get(stance, parameters.unknown_openness)
    value *= parameters.role_factor.get((person.role or "").strip().lower(), 1.0)
    return float(min(parameters.max_openness, max(0.0, value)))

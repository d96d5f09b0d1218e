"""The deterministic buying group every Django benchmark uses, as plain data: people, ties,
touches and themes from a seed.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from planner.buying_roles import ROLE_CHOICES
from scoring.core.graph import CONFLICT, POSITIVE_KINDS

ROOT = Path(__file__).resolve().parent.parent
MEMBERS = 50
TIES = 150
TOUCHES = 2_000
THEMES = 20
DAYS = 120
RECENT_DAYS = 30  # scoring.analysis.RECENT_DAYS (not imported: that module needs Django)
HALF_LIFE_DAYS = 30.0
AS_OF = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
STANCES = ("supporter", "neutral", "skeptic", "unknown")


# ----------------------------------------------------------------------- the group


@dataclass(frozen=True)
class PersonSpec:
    email: str
    name: str
    influence: int
    buying_role: str
    stance: str
    priorities: dict[str, float]


@dataclass(frozen=True)
class TouchSpec:
    person: int  # index into GroupSpec.people
    occurred_at: datetime
    themes: dict[str, float]
    message_key: str  # "" for a one-off message


@dataclass(frozen=True)
class GroupSpec:
    people: tuple[PersonSpec, ...]
    ties: tuple[tuple[int, int, str, int], ...]  # (source index, target index, kind, strength)
    touches: tuple[TouchSpec, ...]


def theme_slugs(count: int = THEMES) -> list[str]:
    return [f"theme-{i:02d}" for i in range(1, count + 1)]


def group_spec(
    *,
    members: int = MEMBERS,
    ties: int = TIES,
    touches: int = TOUCHES,
    themes: int = THEMES,
    days: int = DAYS,
    end: datetime = AS_OF,
    seed: int = 2024,
    domain: str = "buyer.example",
) -> GroupSpec:
    """A deterministic buying group: departments of ten (most ties inside one, a few
    conflicts), everyone but a tenth touched, each department hearing mostly its own
    themes; 60% of messages reach one person, the rest 2-6 people sharing a message key."""
    rng = random.Random(seed)
    slugs = theme_slugs(themes)
    roles = [value for value, _ in ROLE_CHOICES]
    department_size = min(10, members)
    people = tuple(
        PersonSpec(
            email=f"member{i:03d}@{domain}",
            name=f"Member {i:03d}",
            influence=rng.randint(1, 5),
            buying_role=roles[i % len(roles)] if i < members - 1 else "other",
            stance=rng.choice(STANCES),
            priorities=(
                {slug: float(rng.randint(1, 5)) for slug in rng.sample(slugs, min(3, themes))}
                if rng.random() < 0.6
                else {}
            ),
        )
        for i in range(members)
    )
    seen: set[frozenset[int]] = set()
    tie_rows: list[tuple[int, int, str, int]] = []
    every = max(1, ties // max(1, ties // 15))  # about one conflict in fifteen ties
    attempts = 0
    while len(tie_rows) < ties and attempts < ties * 100:
        attempts += 1
        a = rng.randrange(members)
        if rng.random() < 0.75:
            start = (a // department_size) * department_size
            b = start + rng.randrange(min(department_size, members - start))
        else:
            b = rng.randrange(members)
        if a == b or frozenset((a, b)) in seen:
            continue
        seen.add(frozenset((a, b)))
        kind = CONFLICT if len(tie_rows) % every == every - 1 else rng.choice(POSITIVE_KINDS)
        tie_rows.append((a, b, kind, rng.randint(1, 5)))

    reached = [i for i in range(members) if members < 10 or i % 10 != 9]
    touch_rows: list[TouchSpec] = []
    message = 0
    while len(touch_rows) < touches:
        message += 1
        first = rng.choice(reached)
        department = first // department_size
        home = [s for j, s in enumerate(slugs) if (j + department) % 5 == 0]  # its 4 themes
        pool = home if home and rng.random() < 0.7 else slugs
        picked = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
        weights = {slug: float(rng.randint(1, 3)) for slug in picked}
        when = end - timedelta(seconds=rng.uniform(0, days * 86_400))
        if rng.random() < 0.6:
            recipients = [first]
            key = f"m{seed}-{message}" if rng.random() < 0.5 else ""
        else:
            colleagues = [j for j in reached if j // department_size == department and j != first]
            extra = rng.sample(colleagues, min(len(colleagues), rng.randint(1, 5)))
            recipients = [first, *extra]
            key = f"m{seed}-{message}"
        for person in recipients[: touches - len(touch_rows)]:
            touch_rows.append(TouchSpec(person, when, dict(weights), key))
    return GroupSpec(people=people, ties=tuple(tie_rows), touches=tuple(touch_rows))

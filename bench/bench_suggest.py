"""suggest() ranking 5,000 assets for a 50-member buying group; goal <= 50 ms.

Baseline: the naive reference measured in the same run, a plain-Python dot product of each
asset's themes with the group's pooled priorities, then sorted() of the 5,000
(score, key) tuples: what "rank by one number" costs with no set, no simulation and
no reasons.
"""

import random

from bench.results import Result, median_ms
from suggestions.engine import STAGES, Audience, Candidate, suggest

GOAL_MS = 50.0
MEMBERS = 50
ASSETS = 5_000
THEMES = [f"theme-{i:02d}" for i in range(25)]
ROLES = ["Champion", "Decision Maker", "Budget Holder", "End User", "Influencer", "Other"]


def buying_group(seed: int = 2024) -> tuple[list[Audience], list[Candidate]]:
    """50 members (most reached, some without consent) and a 5,000-asset library."""
    rng = random.Random(seed)
    asset_keys = [f"asset-{k:04d}" for k in range(ASSETS)]
    audience = []
    for i in range(MEMBERS):
        reached = rng.random() < 0.85
        exposure = {t: rng.uniform(0.1, 3) for t in rng.sample(THEMES, rng.randint(1, 6))}
        audience.append(
            Audience(
                key=f"member{i:02d}@buyer.example",
                name=f"Member {i:02d}",
                influence=rng.randint(1, 5),
                role=rng.choice(ROLES),
                consent=rng.random() < 0.9,
                exposure=exposure if reached else {},
                mass=rng.uniform(0.5, 8) if reached else 0.0,
                priorities={t: rng.randint(1, 3) for t in rng.sample(THEMES, rng.randint(0, 3))},
                seen=frozenset(rng.sample(asset_keys, rng.randint(0, 8))),
                broker=rng.random() < 0.06,
            )
        )
    library = [
        Candidate(
            key=key,
            title=f"Asset {key}",
            framing=rng.choice(["shared_problem", "solution", "individual"]),
            level=rng.choice(["mass", "mass_customized", "individualized"]),
            stage=rng.choice(STAGES),
            themes={t: rng.randint(1, 3) for t in rng.sample(THEMES, rng.randint(1, 4))},
        )
        for key in asset_keys
    ]
    return audience, library


def naive_ranking(audience: list[Audience], library: list[Candidate]) -> list[tuple]:
    pooled: dict[str, float] = {}
    for member in audience:
        for theme, weight in member.priorities.items():
            pooled[theme] = pooled.get(theme, 0.0) + member.influence * weight
    return sorted(
        (-sum(pooled.get(t, 0.0) * w for t, w in c.themes.items()), c.key) for c in library
    )


def run() -> list[Result]:
    audience, library = buying_group()
    value = median_ms(
        lambda: suggest(audience, library, stage="requirements_building"), runs=40, warmup=5
    )
    baseline = median_ms(lambda: naive_ranking(audience, library), runs=40, warmup=5)
    return [
        Result.measured(
            name=f"suggestions.suggest ({ASSETS:,} assets, {MEMBERS} people)",
            value=value,
            unit="ms",
            goal=f"<= {GOAL_MS:g} ms",
            baseline=baseline,
            ok=value <= GOAL_MS,
        )
    ]

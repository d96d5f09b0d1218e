"""A readiness GroupState built the way the adapter builds it, from people, ties and what
each person heard, and the small readers of a readiness result by factor name."""

from scoring.core.divergence import Member, common_ground, divergence
from scoring.core.graph import analyze_graph
from scoring.core.graph import missing_roles as role_coverage
from scoring.core.readiness import Factor, GroupState

THEMES = ("cost-of-downtime", "security", "integration", "roi", "compliance")
REQUIRED = ("Decision Maker", "Budget Holder", "Champion")


def build_state(
    people,
    ties=(),
    exposures=None,
    *,
    names=None,
    required=REQUIRED,
    tailoring=0.0,
    recently_touched=None,
    theme_names=None,
) -> GroupState:
    """A GroupState built the way the adapter builds it, with the real analysis functions."""
    exposures = dict(exposures or {})
    members = [Member(p.key, p.influence, exposures.get(p.key, {})) for p in people]
    coverage = role_coverage([p.role for p in people], required)
    return GroupState(
        people=tuple(people),
        names=names or {p.key: p.key.split("@")[0].replace(".", " ").title() for p in people},
        insights=analyze_graph(people, ties),
        coverage=coverage,
        missing_role_labels=coverage.missing,
        divergence=divergence(members),
        exposures=exposures,
        common_ground=common_ground(members),
        theme_names=theme_names or {},
        tailoring=tailoring,
        recently_touched=frozenset(
            recently_touched if recently_touched is not None else exposures.keys()
        ),
    )


def factor(result, name) -> Factor:
    return next(f for f in result.factors if f.name == name)


def names_of(result):
    return {f.name for f in result.factors}

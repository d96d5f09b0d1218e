"""Graph insights in plain words, for the group page and the kit. Pure: no Django."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scoring.core.baseline import baseline_note
from scoring.core.graph import GraphInsights, RoleCoverage


@dataclass(frozen=True)
class Sentence:
    topic: str  # factions | brokers | influence | isolated | conflicts | roles | baseline
    text: str
    tone: str = "info"  # info | good | warning


def _names(keys: Sequence[str], names: Mapping[str, str], limit: int = 4) -> str:
    shown = [names.get(key, key) for key in keys[:limit]]
    if len(keys) > limit:
        shown.append(f"{len(keys) - limit} more")
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def describe(
    insights: GraphInsights,
    coverage: RoleCoverage,
    *,
    names: Mapping[str, str],
    size: int,
    missing_labels: Sequence[str],
) -> tuple[Sentence, ...]:
    """Sentences a marketer can act on, most important first."""
    if size == 0:
        return (Sentence("roles", "Nobody is mapped yet: add people or import a CSV.", "warning"),)
    out: list[Sentence] = []
    real_factions = [f for f in insights.factions if len(f) > 1]
    if len(real_factions) >= 2:
        groups = "; ".join(f"{_names(f, names, 3)}" for f in real_factions[:3])
        out.append(
            Sentence(
                "factions",
                f"The group splits into {len(real_factions)} factions: {groups}. Give them one "
                "shared story before each side hardens its own.",
                "warning",
            )
        )
    elif len(real_factions) == 1 and len(real_factions[0]) == size:
        out.append(Sentence("factions", "Everyone is connected in one faction.", "good"))
    if insights.brokers:
        verb = "bridges" if len(insights.brokers) == 1 else "bridge"
        out.append(
            Sentence(
                "brokers",
                f"{_names(insights.brokers, names, 2)} {verb} the factions: keep them engaged, "
                "they carry the story across.",
                "good",
            )
        )
    if insights.conflicts:
        pairs = "; ".join(
            f"{names.get(a, a)} and {names.get(b, b)}" for a, b in insights.conflicts[:3]
        )
        more = f" (and {len(insights.conflicts) - 3} more)" if len(insights.conflicts) > 3 else ""
        out.append(Sentence("conflicts", f"Open conflicts: {pairs}{more}.", "warning"))
    if insights.most_influential:
        out.append(
            Sentence(
                "influence",
                f"Most influential: {_names(insights.most_influential, names, 3)}.",
            )
        )
    if insights.isolated:
        out.append(
            Sentence(
                "isolated",
                f"No relationships mapped yet for {_names(insights.isolated, names)}: "
                "who do they work with?",
                "warning",
            )
        )
    if missing_labels:
        out.append(
            Sentence(
                "roles",
                f"Missing roles: {', '.join(missing_labels)} "
                f"({round(coverage.completeness * 100)}% of the required roles are covered). "
                "Deals stall when a role is discovered late.",
                "warning",
            )
        )
    else:
        out.append(Sentence("roles", "Every required buying role is covered.", "good"))
    out.append(Sentence("baseline", baseline_note(size)))
    return tuple(out)

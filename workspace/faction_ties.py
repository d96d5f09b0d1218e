"""What a faction's page lists under its map: the relationships its people have with people
of other factions, grouped by the other faction, each with a link to that faction's map."""

from dataclasses import dataclass

from django.urls import reverse

from scoring.core.graph import CONFLICT
from scoring.core.map_clusters import Cluster, cluster_groups
from scoring.group_map import GroupMap
from workspace.faction_circles import cluster_title
from workspace.map_style import _KIND_TEXT

TIES_SHOWN = 6  # per other faction; the rest are counted


@dataclass(frozen=True)
class OutsideTie:
    source: str  # names, as the people table shows them
    verb: str  # "collaborates with", "is in conflict with"...
    target: str
    conflict: bool


@dataclass(frozen=True)
class OtherFaction:
    title: str  # "Faction 2", "Everyone else"
    href: str  # its own map
    size: int  # people in it
    ties: tuple[OutsideTie, ...]  # the first TIES_SHOWN, conflicts first
    total: int  # all the ties between the two factions
    conflicts: int

    @property
    def hidden(self) -> int:
        return self.total - len(self.ties)


def ties_to_other_factions(data: GroupMap, cluster: Cluster) -> list[OtherFaction]:
    """The other factions the people of ``cluster`` have relationships with, the most
    ties first (then in the map's order)."""
    influence = {s.email: s.influence for s in data.stakeholders}
    clusters = cluster_groups(data.insights.factions, influence)
    home = set(cluster.keys)
    owner = {key: other for other in clusters for key in other.keys}
    found: dict[int, list] = {}
    for r in data.relationships:
        a, b = r.source.email, r.target.email
        if (a in home) == (b in home) or a not in owner or b not in owner:
            continue  # inside this faction, or between two others
        other = owner[b] if a in home else owner[a]
        text = OutsideTie(
            source=r.source.name or a,
            verb=_KIND_TEXT.get(r.kind, r.kind),
            target=r.target.name or b,
            conflict=r.kind == CONFLICT,
        )
        found.setdefault(other.number, []).append(text)
    order = {c.number: i for i, c in enumerate(clusters)}
    by_number = {c.number: c for c in clusters}
    pks = {s.email: s.pk for s in data.stakeholders}
    result = []
    for number in sorted(found, key=lambda n: (-len(found[n]), order[n])):
        other = by_number[number]
        ties = sorted(found[number], key=lambda t: (not t.conflict, t.source, t.verb, t.target))
        result.append(
            OtherFaction(
                title=cluster_title(other),
                href=reverse("faction_map", args=[data.group.pk, pks[other.keys[0]]]),
                size=len(other.keys),
                ties=tuple(ties[:TIES_SHOWN]),
                total=len(ties),
                conflicts=sum(1 for t in ties if t.conflict),
            )
        )
    return result

"""The group page's stakeholder map: from a loaded GroupMap to the HTML of its drawings.

The map is drawn twice, each for the width it is shown at (CSS shows one, by the width of
its box: see `.map` in static/css/app.css), so labels stay readable and nodes easy to
tap on a phone as on a desktop: a wide drawing and a narrow one. The canvas grows with
the group (nobody overlaps, no label covers another). Both drawings show the same
picture: a group of more than PEOPLE_MAX people in two factions or more shows its
factions as circles, each linking to the faction's own map, with one sentence saying so
and (up to EVERYONE_MAX people) a "Show everyone" switch that works without JavaScript.
On a phone that switch shows everyone in a box of bounded height that scrolls, under a
cue saying so (`.map-everyone` in static/css/app.css); a desktop shows them in full.
"""

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from scoring.core.graph import CONFLICT
from scoring.core.layout_sizes import (
    NARROW_LABELS,
    NARROW_WIDTH,
    WIDE_LABELS,
    WIDE_WIDTH,
    LabelStyle,
    canvas_height,
)
from scoring.core.map_clusters import (
    EVERYONE_ELSE,
    NARROW_CLUSTER_LABELS,
    WIDE_CLUSTER_LABELS,
    Cluster,
    ClusterLabels,
    cluster_groups,
    cluster_layout,
)
from scoring.group_map import GroupMap
from workspace.faction_circles import render_clusters
from workspace.map_style import MapEdge, MapNode, _plural
from workspace.rows import RowUrls
from workspace.stakeholder_map import render_map

# One rule for every screen, so a group looks the same on a phone and on a desktop: up to
# PEOPLE_MAX people (what a phone can draw one by one), everyone is drawn; a bigger group
# with two factions or more shows its factions, and up to EVERYONE_MAX people a "Show
# everyone" switch (a <details>, no JavaScript) draws them one by one instead.
PEOPLE_MAX = 16
EVERYONE_MAX = 40


@dataclass(frozen=True)
class _Size:
    name: str
    width: float
    minimum_height: float
    labels: LabelStyle
    cluster_labels: ClusterLabels


WIDE = _Size("wide", WIDE_WIDTH, 400.0, WIDE_LABELS, WIDE_CLUSTER_LABELS)
NARROW = _Size("narrow", NARROW_WIDTH, 420.0, NARROW_LABELS, NARROW_CLUSTER_LABELS)


def factions_sentence(people: int, clusters: Sequence[Cluster]) -> str:
    """The one plain sentence above a map of factions, such as "32 people in 5 factions:
    open a faction to see its people."."""
    factions = sum(1 for c in clusters if c.number != EVERYONE_ELSE)
    rest = " and a circle for everyone else" if factions < len(clusters) else ""
    return (
        f"{_plural(people, 'person', 'people')} in {_plural(factions, 'faction', 'factions')}"
        f"{rest}: open a faction to see its people."
    )


def _nodes(data: GroupMap, *, link: bool, can_edit: bool) -> list[MapNode]:
    """Each person links where the viewer may go: editors to the edit form, everyone else
    to the read-only person page with the timeline."""
    target = "stakeholder_edit" if can_edit else "stakeholder_timeline"
    url = RowUrls(data.group.pk)
    return [
        MapNode(
            key=s.email,
            name=s.name or s.email,
            role_label=s.role_label,
            influence=s.influence,
            stance=s.stance,
            consent=s.consent,
            href=url(target, s.pk) if link else None,
        )
        for s in data.stakeholders
    ]


def _ends(data: GroupMap) -> list[tuple[str, str]]:
    """The emails of each relationship's two people, read from the map's people by id
    (a relationship whose person is not among them reads its own)."""
    emails = {s.pk: s.email for s in data.stakeholders}
    return [
        (
            emails.get(r.source_id) or r.source.email,
            emails.get(r.target_id) or r.target.email,
        )
        for r in data.relationships
    ]


def _edges(data: GroupMap, friction: Mapping | None) -> list[MapEdge]:
    friction = friction or {}
    return [
        MapEdge(
            source=ends[0],
            target=ends[1],
            kind=r.kind,
            strength=r.strength,
            friction=friction.get(ends),
        )
        for r, ends in zip(data.relationships, _ends(data), strict=True)
    ]


def _people_drawing(
    data: GroupMap, nodes: Sequence[MapNode], edges: Sequence[MapEdge], size: _Size, title: str
) -> str:
    keys = {n.key for n in nodes}
    isolated = len(set(data.insights.isolated) & keys)
    height = canvas_height(
        len(keys), isolated, width=size.width, labels=size.labels, minimum=size.minimum_height
    )
    return render_map(
        nodes,
        edges,
        insights=data.insights,
        title=title,
        width=size.width,
        height=height,
        id_prefix=f"map-{size.name}",
        labels=size.labels,
        crop=True,
    )


def _conflicts(data: GroupMap, clusters: Sequence[Cluster]) -> dict[int, int]:
    """Conflicts with people of other clusters, by cluster number."""
    cluster_of = {key: c.number for c in clusters for key in c.keys}
    conflicts: dict[int, int] = {}
    for r, (source, target) in zip(data.relationships, _ends(data), strict=True):
        a, b = cluster_of.get(source), cluster_of.get(target)
        if r.kind == CONFLICT and a is not None and b is not None and a != b:
            conflicts[a] = conflicts.get(a, 0) + 1
            conflicts[b] = conflicts.get(b, 0) + 1
    return conflicts


def _cluster_hrefs(
    data: GroupMap, clusters: Sequence[Cluster], *, link: bool
) -> dict[int, str | None]:
    """Each cluster's own map, named by its first (most influential) person."""
    pks = {s.email: s.pk for s in data.stakeholders}
    url = RowUrls(data.group.pk)
    return {c.number: url("faction_map", pks[c.keys[0]]) if link else None for c in clusters}


def _clusters_drawing(
    data: GroupMap,
    nodes: Sequence[MapNode],
    clusters: Sequence[Cluster],
    size: _Size,
    *,
    conflicts: Mapping[int, int],
    hrefs: Mapping[int, str | None],
) -> str:
    """The circles of `clusters` at `size`: remembered by all they show (each circle's
    people, by key, name and stance; its conflicts and link; the group's name), which a
    write to the group seldom changes (a touch, a send: the exposures change, the circles
    do not), so the group page drawn again after one finds them drawn."""
    people = {n.key: n for n in nodes}
    shown = tuple((key, people[key].name, people[key].stance) for c in clusters for key in c.keys)
    return _remembered_circles(
        tuple(clusters),
        shown,
        tuple(conflicts.items()),
        tuple(hrefs.items()),
        data.group.name,
        size,
    )


# Drawings of circles a process remembers (`_clusters_drawing`): two per group drawn.
CIRCLES_REMEMBERED = 128


@functools.lru_cache(maxsize=CIRCLES_REMEMBERED)
def _remembered_circles(
    clusters: tuple[Cluster, ...],
    shown: tuple[tuple[str, str, str], ...],
    conflicts: tuple[tuple[int, int], ...],
    hrefs: tuple[tuple[int, str | None], ...],
    group_name: str,
    size: _Size,
) -> str:
    return render_clusters(
        cluster_layout(clusters, width=size.width, labels=size.cluster_labels),
        {key: _Shown(key, name, stance) for key, name, stance in shown},
        conflicts=dict(conflicts),
        hrefs=dict(hrefs),
        title=f"Factions of {group_name}",
        id_prefix=f"factions-{size.name}",
    )


@dataclass(frozen=True)
class _Shown:
    """What a circle reads of each of its people (`faction_circles.render_clusters`)."""

    key: str
    name: str
    stance: str


def _wrap(size: _Size, svg: str) -> str:
    return f'<div class="map-drawing map-drawing--{size.name}">{svg}</div>'


def map_svg(
    data: GroupMap, *, link: bool = True, can_edit: bool = True, friction: dict | None = None
) -> str:
    """The HTML of the group page's map: its wide and its narrow drawing (the same picture
    at both widths), and for a big group a sentence and the "Show everyone" switch."""
    influence = {s.email: s.influence for s in data.stakeholders}
    clusters = cluster_groups(data.insights.factions, influence)
    title = f"Stakeholder map of {data.group.name}"
    # The circles need no person's link nor any tie: made only for a drawing of people.
    one_by_one = len(influence) <= EVERYONE_MAX or len(clusters) < 2
    nodes = _nodes(data, link=link and one_by_one, can_edit=can_edit)
    people = ""
    if one_by_one:
        edges = _edges(data, friction)
        people = "".join(
            _wrap(size, _people_drawing(data, nodes, edges, size, title)) for size in (WIDE, NARROW)
        )
    if len(nodes) <= PEOPLE_MAX or len(clusters) < 2:
        return people
    conflicts = _conflicts(data, clusters)  # the same for both drawings
    hrefs = _cluster_hrefs(data, clusters, link=link)
    circles = "".join(
        _wrap(
            size, _clusters_drawing(data, nodes, clusters, size, conflicts=conflicts, hrefs=hrefs)
        )
        for size in (WIDE, NARROW)
    )
    sentence = factions_sentence(len(nodes), clusters)
    note = f'<p class="map-note">{escape(sentence)}</p>'
    if not people:
        return f"{note}{circles}"
    count = _plural(len(nodes), "person", "people")
    # On a phone everyone one by one is over 2,000 px tall: the narrow drawing scrolls in
    # a box of about two thirds of the screen, under this cue (both phone-only, by CSS).
    cue = f"Scroll inside the map to see all {count}."
    return (
        f'<div class="map-switch">{note}<div class="map-factions">{circles}</div>'
        f'<details class="map-everyone"><summary>'
        f'<span class="map-everyone__show">Show everyone ({count}, one by one)</span>'
        f'<span class="map-everyone__hide">Show factions</span></summary>'
        f'<p class="map-everyone__cue">{escape(cue)}</p>'
        f"{people}</details></div>"
    )


def faction_of(data: GroupMap, key: str) -> Cluster | None:
    """The cluster (as the group page draws factions) holding the person ``key``."""
    influence = {s.email: s.influence for s in data.stakeholders}
    for cluster in cluster_groups(data.insights.factions, influence):
        if key in cluster.keys:
            return cluster
    return None


def faction_svg(
    data: GroupMap,
    cluster: Cluster,
    *,
    title: str,
    can_edit: bool = True,
    friction: dict | None = None,
) -> str:
    """The HTML of one cluster's own map (wide and narrow), always person by person."""
    members = set(cluster.keys)
    nodes = [n for n in _nodes(data, link=True, can_edit=can_edit) if n.key in members]
    edges = [e for e in _edges(data, friction) if e.source in members and e.target in members]
    return "".join(
        _wrap(size, _people_drawing(data, nodes, edges, size, title)) for size in (WIDE, NARROW)
    )

"""The group page's stakeholder map: from a loaded GroupMap to an SVG string."""

from django.urls import reverse

from scoring.group_map import GroupMap
from workspace.map_style import MapEdge, MapNode
from workspace.stakeholder_map import render_map


def map_svg(
    data: GroupMap, *, link: bool = True, can_edit: bool = True, friction: dict | None = None
) -> str:
    """Each person links where the viewer may go: editors to the edit form, everyone else
    to the read-only person page with the timeline."""
    group = data.group
    target = "stakeholder_edit" if can_edit else "stakeholder_timeline"
    nodes = [
        MapNode(
            key=s.email,
            name=s.name or s.email,
            role_label=s.role_label,
            influence=s.influence,
            stance=s.stance,
            consent=s.consent,
            href=reverse(target, args=[group.pk, s.pk]) if link else None,
        )
        for s in data.stakeholders
    ]
    edges = [
        MapEdge(
            source=r.source.email,
            target=r.target.email,
            kind=r.kind,
            strength=r.strength,
            friction=(friction or {}).get((r.source.email, r.target.email)),
        )
        for r in data.relationships
    ]
    return render_map(
        nodes, edges, insights=data.insights, title=f"Stakeholder map of {group.name}"
    )

"""The map of one faction of a big group: what a circle on the group page's map opens."""

from django.http import Http404
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from planner.access import EDITORS, get_stakeholder_for_user
from scoring.cached import current_analysis
from scoring.core.map_clusters import EVERYONE_ELSE
from workspace.faction_circles import cluster_title
from workspace.faction_ties import ties_to_other_factions
from workspace.group_charts import friction_both_ways
from workspace.map_legend import render_legend
from workspace.map_view import faction_of, faction_svg


@require_GET
def faction_map(request, pk: int, sid: int):
    """The people of the faction holding person `sid`, person by person, with their
    relationships inside the faction, their ties to other factions (with links to those
    factions), and the same people as a list."""
    person = get_stakeholder_for_user(request, pk, sid)
    group = person.group
    analysis = current_analysis(group)
    data = analysis.map
    cluster = faction_of(data, person.email)
    if cluster is None:
        raise Http404
    can_edit = request.membership.role in EDITORS
    by_email = data.by_email
    members = [by_email[key] for key in cluster.keys]
    heading = cluster_title(cluster)
    title = f"{heading} of {group.name}"
    drawings = faction_svg(
        data, cluster, title=title, can_edit=can_edit, friction=friction_both_ways(analysis)
    )
    return render(
        request,
        "workspace/faction_map.html",
        {
            "group": group,
            "heading": heading,
            "cluster": cluster,
            "everyone_else": cluster.number == EVERYONE_ELSE,
            "members": members,
            "brokers": set(data.insights.brokers),
            "theme_names": analysis.theme_names,
            # faction_svg escapes every text it draws (tests/workspace/test_faction_map.py).
            "drawings": mark_safe(drawings),  # noqa: S308
            "legend": mark_safe(render_legend()),  # noqa: S308 - our own constant text
            "can_edit": can_edit,
            "other_factions": ties_to_other_factions(data, cluster),
        },
    )

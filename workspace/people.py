"""Everyone in a buying group, for groups too big to list on the group page: the People
page (search, "missing information only", pages of 50) and the people search behind the
"type a name" suggestions of the relationship form.

The group page lists only the most influential people (`top_people`); these views list
the rest, from the analysed map (cached per version of the group), in the same order.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from planner import people_search
from planner.access import EDITORS, get_group_for_user
from planner.buying_roles import role_label
from scoring.cached import current_analysis
from workspace.missing_info import missing_information
from workspace.rows import gap_rows, person_rows

PEOPLE_SHOWN = 25  # the group page's People table: the most influential this many
MISSING_SHOWN = 8  # the group page's "missing information" panel: this many people
PEOPLE_PER_PAGE = 50
SUGGESTIONS = 20  # people the search answers with, at most


def group_page_people(data, theme_names) -> dict:
    """What the group page shows of its people, most influential first: the People table
    (`workspace.rows.PersonRow`s) and the people missing information (`GapRow`s), each cut
    short (the rest on the People page). Display values only, the same for every viewer
    with the same `workspace.rows.variant()`: the group page caches them with the analysis."""
    ordered = people_search.by_influence(data.stakeholders)
    missing = missing_information(data)
    rank = {p.pk: i for i, p in enumerate(ordered)}
    gaps = sorted(missing.people, key=lambda gap: rank[gap.person.pk])
    return {
        "people_shown": person_rows(
            ordered[:PEOPLE_SHOWN],
            group_pk=data.group.pk,
            brokers=data.insights.brokers,
            theme_names=theme_names,
        ),
        "people_hidden": max(0, len(ordered) - PEOPLE_SHOWN),
        "missing": missing,
        "missing_people": gap_rows(gaps[:MISSING_SHOWN], group_pk=data.group.pk),
        "missing_hidden": max(0, len(gaps) - MISSING_SHOWN),
    }


@require_GET
def group_people(request, pk: int):
    """The People page: ?q= finds by name, email, title or role; ?missing=1 lists those
    with missing information. htmx gets the table only (the group page's search)."""
    group = get_group_for_user(request, pk)
    analysis = current_analysis(group)
    data = analysis.map
    query = people_search.clean_query(request.GET.get("q"))
    missing_only = request.GET.get("missing") == "1"
    people = people_search.by_influence(people_search.matching(data.stakeholders, query))
    gaps = {gap.person.pk: gap.lacks for gap in missing_information(data).people}
    if missing_only:
        people = [p for p in people if p.pk in gaps]
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    from_group = request.htmx and request.GET.get("from") == "group"
    context = {
        "group": group,
        "data": data,
        "theme_names": analysis.theme_names,
        "page": page,
        "people": page.object_list,
        "rows": person_rows(
            page.object_list,
            group_pk=group.pk,
            brokers=data.insights.brokers,
            theme_names=analysis.theme_names,
        ),
        "found": len(people),
        "query": query,
        "missing_only": missing_only,
        "gaps": gaps,
        "can_edit": request.membership.role in EDITORS,
        "inline_edit": from_group,  # rows open the group page's editor panel
    }
    template = "workspace/people.html"
    if request.htmx:
        template += "#people-results"
    return render(request, template, context)


@require_GET
def people_search_json(request, pk: int):
    """Up to 20 people matching ?q=, most influential first, for "type a name" fields:
    {"people": [{"value": email, "label": "Name (Role)"}], "more": n}."""
    group = get_group_for_user(request, pk)
    query = people_search.clean_query(request.GET.get("q"))
    people = people_search.by_influence(
        people_search.matching(current_analysis(group).map.stakeholders, query)
    )
    return JsonResponse(
        {
            "people": [
                {
                    "value": p.email,
                    "label": f"{p.name or p.email} ({role_label(p.buying_role)})",
                }
                for p in people[:SUGGESTIONS]
            ],
            "more": max(0, len(people) - SUGGESTIONS),
        }
    )

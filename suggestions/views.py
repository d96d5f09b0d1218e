"""The suggestions page: every ranked suggestion, and a what-if forecast for the assets ticked."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from content.models import Asset
from planner.access import (
    EDITORS,
    get_group_for_user,
)
from scoring.cached import current_analysis, writes_together
from suggestions import suggesting


@require_GET
@writes_together()  # what it computes and caches, written in one round trip at the end
def group_suggestions(request, pk: int):
    """Every ranked suggestion, and a "what if" forecast for any assets the user ticks."""
    group = get_group_for_user(request, pk)
    analysis = current_analysis(group)
    plan, shared_reasons = suggesting.said_once(
        suggesting.group_plan(group, analysis=analysis, top=20)
    )
    picked_slugs = request.GET.getlist("asset")[:10]
    picked = list(
        Asset.objects.filter(organization_id=group.organization_id, slug__in=picked_slugs)
    )
    forecast = suggesting.what_if(analysis, picked) if picked else None
    names = {s.email: s.name or s.email for s in analysis.map.stakeholders}
    return render(
        request,
        "suggestions/group_suggestions.html",
        {
            "group": group,
            "plan": plan,
            "ranked": [(s, [names.get(k, k) for k in s.recipients]) for s in plan.ranked],
            "shared_reasons": shared_reasons,
            "proposable": {s.asset for s in plan.ranked},
            "picked": picked,
            "picked_slugs": {a.slug for a in picked},
            "forecast": forecast,
            "can_edit": request.membership.role in EDITORS,
        },
    )

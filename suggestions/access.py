"""Lookups of planned sends, scoped to the active organization and checked by role."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from accounts.roles import ANY_ROLE
from planner.access import get_group_for_user
from suggestions.models import PlannedSend


def get_planned_send_for_user(request: HttpRequest, group_pk: int, pk: int, *, roles=ANY_ROLE):
    group = get_group_for_user(request, group_pk, roles=roles)
    planned = get_object_or_404(PlannedSend.objects.select_related("asset"), pk=pk, group=group)
    planned.group = group
    return planned

"""Lookups of buying-group objects, scoped to the active organization and checked by role.

Built on `accounts.access.require_role`: another organization's object is a 404, a known
object with the wrong role a 403. Views never query these models by primary key themselves.
"""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from accounts.access import require_role
from accounts.roles import ANY_ROLE, EDITORS
from planner.models import BuyingGroup, Relationship, Stakeholder

__all__ = [
    "ANY_ROLE",
    "EDITORS",
    "get_group_for_user",
    "get_kit_for_user",
    "get_pending_import_for_user",
    "get_planned_send_for_user",
    "get_relationship_for_user",
    "get_share_for_user",
    "get_stakeholder_for_user",
    "get_touch_for_user",
]


def get_group_for_user(request: HttpRequest, pk: int, *, roles=ANY_ROLE) -> BuyingGroup:
    membership = require_role(request, ANY_ROLE)
    group = get_object_or_404(
        BuyingGroup.objects.select_related("owner"), pk=pk, organization=membership.organization
    )
    require_role(request, roles)
    return group


def get_stakeholder_for_user(
    request: HttpRequest, group_pk: int, pk: int, *, roles=ANY_ROLE
) -> Stakeholder:
    group = get_group_for_user(request, group_pk, roles=roles)
    stakeholder = get_object_or_404(Stakeholder, pk=pk, group=group)
    stakeholder.group = group
    return stakeholder


def get_relationship_for_user(
    request: HttpRequest, group_pk: int, pk: int, *, roles=ANY_ROLE
) -> Relationship:
    group = get_group_for_user(request, group_pk, roles=roles)
    relationship = get_object_or_404(
        Relationship.objects.select_related("source", "target"), pk=pk, group=group
    )
    relationship.group = group
    return relationship


def get_touch_for_user(request: HttpRequest, group_pk: int, pk: int, *, roles=ANY_ROLE):
    from planner.models import Touch

    group = get_group_for_user(request, group_pk, roles=roles)
    touch = get_object_or_404(Touch.objects.select_related("stakeholder"), pk=pk, group=group)
    touch.group = group
    return touch


def get_planned_send_for_user(request: HttpRequest, group_pk: int, pk: int, *, roles=ANY_ROLE):
    from planner.models import PlannedSend

    group = get_group_for_user(request, group_pk, roles=roles)
    planned = get_object_or_404(PlannedSend.objects.select_related("asset"), pk=pk, group=group)
    planned.group = group
    return planned


def get_kit_for_user(request: HttpRequest, group_pk: int, pk: int, *, roles=ANY_ROLE):
    from planner.models import ConsensusKit

    group = get_group_for_user(request, group_pk, roles=roles)
    kit = get_object_or_404(ConsensusKit.objects.select_related("created_by"), pk=pk, group=group)
    kit.group = group
    return kit


def get_share_for_user(
    request: HttpRequest, group_pk: int, kit_pk: int, pk: int, *, roles=ANY_ROLE
):
    from planner.models import KitShare

    kit = get_kit_for_user(request, group_pk, kit_pk, roles=roles)
    share = get_object_or_404(KitShare, pk=pk, kit=kit)
    share.kit = kit
    return share


def get_pending_import_for_user(request: HttpRequest, group_pk: int, pk: int):
    """A pending upload of the user's own, for a group they may edit."""
    from planner.models import PendingImport

    group = get_group_for_user(request, group_pk, roles=EDITORS)
    pending = get_object_or_404(PendingImport, pk=pk, group=group, created_by=request.user)
    pending.group = group
    return pending

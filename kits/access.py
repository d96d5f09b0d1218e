"""Lookups of kits and share links, scoped to the active organization and checked by role."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from accounts.roles import ANY_ROLE
from kits.models import ConsensusKit, KitShare
from planner.access import get_group_for_user


def get_kit_for_user(request: HttpRequest, group_pk: int, pk: int, *, roles=ANY_ROLE):
    group = get_group_for_user(request, group_pk, roles=roles)
    kit = get_object_or_404(ConsensusKit.objects.select_related("created_by"), pk=pk, group=group)
    kit.group = group
    return kit


def get_share_for_user(
    request: HttpRequest, group_pk: int, kit_pk: int, pk: int, *, roles=ANY_ROLE
):
    kit = get_kit_for_user(request, group_pk, kit_pk, roles=roles)
    share = get_object_or_404(KitShare, pk=pk, kit=kit)
    share.kit = kit
    return share

"""Every lookup the API makes, scoped to the calling key's organization: an object of
another organization is a 404, exactly like one that does not exist."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from api.models import ApiKey
from content.models import Asset
from kits.models import ConsensusKit
from planner.models import BuyingGroup
from suggestions.models import PlannedSend


def caller(request: HttpRequest) -> ApiKey:
    return request.auth


def get_group_for_key(request: HttpRequest, pk: int) -> BuyingGroup:
    return get_object_or_404(
        BuyingGroup.objects.select_related("organization", "owner"),
        pk=pk,
        organization_id=caller(request).organization_id,
    )


def get_asset_for_key(request: HttpRequest, slug: str) -> Asset:
    return get_object_or_404(
        Asset, slug=slug.strip().lower(), organization_id=caller(request).organization_id
    )


def get_planned_send_for_key(request: HttpRequest, group_pk: int, pk: int) -> PlannedSend:
    group = get_group_for_key(request, group_pk)
    planned = get_object_or_404(PlannedSend.objects.select_related("asset"), pk=pk, group=group)
    planned.group = group
    return planned


def get_kit_for_key(request: HttpRequest, group_pk: int, pk: int) -> ConsensusKit:
    group = get_group_for_key(request, group_pk)
    kit = get_object_or_404(ConsensusKit, pk=pk, group=group)
    kit.group = group
    return kit

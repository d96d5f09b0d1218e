"""Lookups of content-library objects, scoped to the active organization and checked by role.

Built on `accounts.access.require_role`: another organization's object is a 404, a known
object with the wrong role a 403. Views never query these models by primary key themselves.
"""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from accounts.access import require_role
from accounts.roles import ANY_ROLE, EDITORS
from content.models import Asset, GlossaryTerm, PendingAssetImport

__all__ = [
    "ANY_ROLE",
    "EDITORS",
    "get_asset_for_user",
    "get_pending_asset_import_for_user",
    "get_term_for_user",
]


def get_asset_for_user(request: HttpRequest, pk: int, *, roles=ANY_ROLE) -> Asset:
    membership = require_role(request, ANY_ROLE)
    asset = get_object_or_404(
        Asset.objects.select_related("organization"), pk=pk, organization=membership.organization
    )
    require_role(request, roles)
    return asset


def get_term_for_user(request: HttpRequest, pk: int, *, roles=ANY_ROLE) -> GlossaryTerm:
    membership = require_role(request, ANY_ROLE)
    term = get_object_or_404(
        GlossaryTerm.objects.select_related("organization"),
        pk=pk,
        organization=membership.organization,
    )
    require_role(request, roles)
    return term


def get_pending_asset_import_for_user(request: HttpRequest, pk: int) -> PendingAssetImport:
    """A pending library upload of the user's own, in the active organization."""
    membership = require_role(request, ANY_ROLE)
    pending = get_object_or_404(
        PendingAssetImport.objects.select_related("organization"),
        pk=pk,
        organization=membership.organization,
        created_by=request.user,
    )
    require_role(request, EDITORS)
    return pending

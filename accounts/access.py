"""Every lookup a view makes goes through here (or through the same-named module of a
higher app, which builds on `require_role`).

A view never queries by primary key itself. An object of another organization is
indistinguishable from a missing one (404); a known object with the wrong role is a 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from accounts.models import Invitation, Membership
from accounts.roles import ADMINS, ANY_ROLE


def require_role(request: HttpRequest, roles=ANY_ROLE) -> Membership:
    """The active membership, checked against `roles`.

    A user in no organization gets a 404 (there is nothing of theirs to show); a member
    whose role is not allowed gets a 403.
    """
    membership = getattr(request, "membership", None)
    if membership is None:
        raise Http404("You are not a member of any organization.")
    if membership.role not in roles:
        raise PermissionDenied("Your role in this organization does not allow this.")
    return membership


def get_membership_for_user(request: HttpRequest, organization_id: int) -> Membership:
    """One of the user's own memberships (for switching organization); 404 otherwise."""
    for membership in request.memberships:
        if membership.organization_id == organization_id:
            return membership
    raise Http404("No such organization.")


def get_member_for_admin(request: HttpRequest, pk: int) -> Membership:
    """A membership of the active organization, for an admin to change or remove."""
    admin = require_role(request, ADMINS)
    return get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, organization=admin.organization
    )


def get_invitation_for_admin(request: HttpRequest, pk: int) -> Invitation:
    admin = require_role(request, ADMINS)
    return get_object_or_404(Invitation, pk=pk, organization=admin.organization)

"""Lookups of buying-group objects, scoped to the active organization and checked by role.

Built on `accounts.access.require_role`: another organization's object is a 404, a known
object with the wrong role a 403. Views never query these models by primary key themselves.
"""

from django.db import router
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from accounts.access import require_role
from accounts.prepared_queries import UNUSED_ID, PreparedQuery, as_given, primary_key_of
from accounts.roles import ANY_ROLE, EDITORS
from planner.models import BuyingGroup, PendingImport, Relationship, Stakeholder, Touch

__all__ = [
    "ANY_ROLE",
    "EDITORS",
    "get_group_for_user",
    "get_pending_import_for_user",
    "get_relationship_for_user",
    "get_stakeholder_for_user",
    "get_touch_for_user",
]


# The group with its owner, of one organization: every group page asks, compiled once.
_GROUP = PreparedQuery(
    lambda pk, organization_id: BuyingGroup.objects.select_related("owner").filter(
        pk=pk, organization_id=organization_id
    ),
    sentinels=(UNUSED_ID, UNUSED_ID - 1),
    adapt=(primary_key_of(BuyingGroup), as_given),  # the organization's: an id already
)


def get_group_for_user(request: HttpRequest, pk: int, *, roles=ANY_ROLE) -> BuyingGroup:
    membership = require_role(request, ANY_ROLE)
    found = _GROUP.all(router.db_for_read(BuyingGroup), pk, membership.organization_id)
    if not found:
        raise Http404(f"No {BuyingGroup._meta.object_name} matches the given query.")
    group = found[0]
    require_role(request, roles)
    group.organization = membership.organization  # that row, already read with the membership
    return group


def _one(query: PreparedQuery, model, group: BuyingGroup, pk):
    """The row `pk` of `group` that `query` reads, or a 404 (another group's is missing)."""
    found = query.all(router.db_for_read(model), pk, group.pk)
    if not found:
        raise Http404(f"No {model._meta.object_name} matches the given query.")
    found[0].group = group
    return found[0]


def _of_group(model, *related: str) -> PreparedQuery:
    """A row of a group by its id (with its `related` rows), compiled once."""
    return PreparedQuery(
        lambda pk, group_id: model.objects.select_related(*related).filter(
            pk=pk, group_id=group_id
        ),
        sentinels=(UNUSED_ID, UNUSED_ID - 1),
        adapt=(primary_key_of(model), as_given),  # the group's: an id already
    )


_STAKEHOLDER = _of_group(Stakeholder)
_RELATIONSHIP = _of_group(Relationship, "source", "target")
_TOUCH = _of_group(Touch, "stakeholder")


def get_stakeholder_for_user(
    request: HttpRequest, group_pk: int, pk: int, *, roles=ANY_ROLE
) -> Stakeholder:
    group = get_group_for_user(request, group_pk, roles=roles)
    return _one(_STAKEHOLDER, Stakeholder, group, pk)


def get_relationship_for_user(
    request: HttpRequest, group_pk: int, pk: int, *, roles=ANY_ROLE
) -> Relationship:
    group = get_group_for_user(request, group_pk, roles=roles)
    return _one(_RELATIONSHIP, Relationship, group, pk)


def get_touch_for_user(request: HttpRequest, group_pk: int, pk: int, *, roles=ANY_ROLE):
    group = get_group_for_user(request, group_pk, roles=roles)
    return _one(_TOUCH, Touch, group, pk)


def get_pending_import_for_user(request: HttpRequest, group_pk: int, pk: int):
    """A pending upload of the user's own, for a group they may edit."""
    group = get_group_for_user(request, group_pk, roles=EDITORS)
    pending = get_object_or_404(PendingImport, pk=pk, group=group, created_by=request.user)
    pending.group = group
    return pending

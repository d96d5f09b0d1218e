"""Careful reads: group lists, the organization's planning settings, recent touches."""

import functools

from django.db import router
from django.db.models import Count, Q, QuerySet

from accounts.models import Organization
from accounts.prepared_queries import UNUSED_ID, PreparedQuery
from content.models import Asset
from planner.buying_roles import DEFAULT_REQUIRED_ROLES
from planner.models import (
    BuyingGroup,
    PlannerSettings,
    Relationship,
    RelationshipKind,
    Stakeholder,
    Touch,
)

GROUP_SORTS = {
    "name": ("Name", ["name"]),
    "-updated": ("Recently changed", ["-updated_at", "name"]),
    "close": ("Expected close", ["expected_close", "name"]),
    "-members": ("Largest first", ["-member_count", "name"]),
}


def group_list(
    organization: Organization, *, query: str = "", sort: str = "-updated", archived: bool = False
) -> QuerySet[BuyingGroup]:
    groups = (
        BuyingGroup.objects.filter(organization=organization, archived=archived)
        .select_related("owner")
        .annotate(member_count=Count("stakeholders", distinct=True))
    )
    if query.strip():
        q = query.strip()
        groups = groups.filter(Q(name__icontains=q) | Q(account__icontains=q))
    return groups.order_by(*GROUP_SORTS.get(sort, GROUP_SORTS["-updated"])[1])


def planner_settings(organization: Organization) -> PlannerSettings:
    """The organization's settings, or unsaved defaults (no row is written on read)."""
    found = PlannerSettings.objects.filter(organization=organization).first()
    return found or PlannerSettings(
        organization=organization, required_roles=list(DEFAULT_REQUIRED_ROLES)
    )


def required_roles(organization: Organization) -> list[str]:
    return list(planner_settings(organization).required_roles)


def asset_choices(organization_id: int) -> list[tuple[int, str]]:
    """(pk, title) of the organization's assets, by title: the options of a touch's asset
    (`forms.TouchForm`), as its select draws them."""
    assets = Asset.objects.filter(organization_id=organization_id).order_by("title")
    return list(assets.values_list("pk", "title"))


def recent_touches(group: BuyingGroup, *, limit: int = 15):
    """The group's latest touches with their person and asset, as the list of touches
    shows them: what each touch says, who got it, the asset's title (not its summary, its
    themes or when any row was written; an asset's text is most of its row). Compiled once
    per `limit` (the group page asks after every write to the group)."""
    return _latest_touches(limit).all(router.db_for_read(Touch), group.pk)


@functools.cache
def _latest_touches(limit: int) -> PreparedQuery:
    """`recent_touches`' query for `limit` touches, by the group's id."""
    return PreparedQuery(
        lambda group_id: (
            Touch.objects.filter(group_id=group_id)
            .select_related("stakeholder", "asset")
            .only(*TOUCH_LIST_FIELDS)
            .order_by("-occurred_at", "-pk")[:limit]
        ),
        sentinels=(UNUSED_ID,),
    )


# What a list of touches shows of each (`recent_touches`).
TOUCH_LIST_FIELDS = (
    *("group_id", "stakeholder_id", "asset_id", "occurred_at", "channel", "themes", "message_key"),
    *("stakeholder__name", "stakeholder__email", "stakeholder__group_id"),
    *("asset__title", "asset__organization_id"),
)


# Kinds that read the same both ways: "A collaborates with B" is "B collaborates with A".
SYMMETRIC_KINDS = frozenset({RelationshipKind.COLLABORATES, RelationshipKind.CONFLICTS_WITH})


def relationship_exists(
    *, source: Stakeholder, target: Stakeholder, kind: str, exclude_pk: int | None = None
) -> bool:
    """Whether the group already has this tie, or its mirror for a kind that reads the
    same both ways."""
    same = Q(source=source, target=target, kind=kind)
    if kind in SYMMETRIC_KINDS:
        same |= Q(source=target, target=source, kind=kind)
    return Relationship.objects.filter(same).exclude(pk=exclude_pk).exists()

"""Careful reads of kits."""

import functools

from django.db import router
from django.db.models import Count, IntegerField, Min, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from accounts.prepared_queries import UNUSED_ID, PreparedQuery, primary_key_of
from kits.models import ConsensusKit, KitShare
from planner.models import BuyingGroup

# What a list of kits shows of each (with who built it, by name): never what a kit was
# built from and into, which the kit's own pages read (and a built document can be large).
LISTED_FIELDS = ("version", "status", "created_at", "created_by__name", "created_by__email")


def group_kits(group: BuyingGroup, *, limit: int = 10) -> list[ConsensusKit]:
    """The group's latest kit versions, newest first, each with its share-link activity:
    `link_count`, `view_count` (0 without links) and `first_view` (None until a link is
    opened). One query, compiled once (`accounts.prepared_queries`): each kit's links are
    counted and added up by the database (a kit has a few links, found by its id)."""
    return _listed(limit).all(router.db_for_read(ConsensusKit), group.pk)


@functools.cache
def _listed(limit: int) -> PreparedQuery:
    return PreparedQuery(
        lambda group_id: _latest(group_id, limit),
        sentinels=(UNUSED_ID,),
        adapt=(primary_key_of(BuyingGroup),),
    )


def _latest(group_id: int, limit: int):
    links = KitShare.objects.filter(kit=OuterRef("pk")).order_by().values("kit")

    def each(aggregate):
        return Subquery(links.annotate(found=aggregate).values("found"))

    return (
        ConsensusKit.objects.filter(group_id=group_id)
        .select_related("created_by")
        .only(*LISTED_FIELDS)
        .annotate(
            link_count=Coalesce(each(Count("pk")), Value(0), output_field=IntegerField()),
            view_count=Coalesce(each(Sum("views")), Value(0), output_field=IntegerField()),
            first_view=each(Min("first_viewed_at")),
        )
        .order_by("-version")[:limit]
    )

"""Careful reads of kits."""

import functools
from datetime import datetime

from django.db import router

from accounts.prepared_queries import UNUSED_ID, Prepared, PreparedQuery, primary_key_of
from kits.models import ConsensusKit, KitShare
from planner.models import BuyingGroup

# What a list of kits shows of each (with who built it, by name): never what a kit was
# built from and into, which the kit's own pages read (and a built document can be large).
LISTED_FIELDS = ("version", "status", "created_at", "created_by__name", "created_by__email")
LISTED = 10  # the latest kit versions a group page lists
LINK_COLUMNS = ("kit_id", "views", "first_viewed_at")


def group_kits(group: BuyingGroup) -> list[ConsensusKit]:
    """The group's latest kit versions, newest first, each with its share-link activity:
    `link_count`, `view_count` (0 without links) and `first_view` (None until a link is
    opened). Two short queries (one when the group has no kit), each compiled once (the
    group page asks on every view), the links' counts added up here: a group has a few
    links per kit, and on PostgreSQL a query that counts them for each kit (joined and
    grouped, or as subqueries) takes as long to plan as the two take to run."""
    kits = _LATEST.all(router.db_for_read(ConsensusKit), group.pk)
    if not kits:
        return kits
    activity: dict[int, tuple[int, int, datetime | None]] = {}
    links = _links(len(kits)).rows(router.db_for_read(KitShare), *(kit.pk for kit in kits))
    for kit_id, views, first_viewed in links:
        count, total, first = activity.get(kit_id, (0, 0, None))
        if first is None or (first_viewed is not None and first_viewed < first):
            first = first_viewed
        activity[kit_id] = (count + 1, total + views, first)
    for kit in kits:
        kit.link_count, kit.view_count, kit.first_view = activity.get(kit.pk, (0, 0, None))
    return kits


_LATEST = PreparedQuery(
    lambda group_id: (
        ConsensusKit.objects.filter(group_id=group_id)
        .select_related("created_by")
        .only(*LISTED_FIELDS)
        .order_by("-version")[:LISTED]
    ),
    sentinels=(UNUSED_ID,),
    adapt=(primary_key_of(BuyingGroup),),
)


@functools.cache
def _links(count: int) -> Prepared:
    """The links of `count` kits, by their ids (a query for each number of kits listed)."""
    return Prepared(
        lambda *kit_ids: (
            KitShare.objects.filter(kit_id__in=kit_ids).order_by().values_list(*LINK_COLUMNS)
        ),
        LINK_COLUMNS,
        sentinels=tuple(UNUSED_ID - at for at in range(count)),
    )

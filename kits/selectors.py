"""Careful reads of kits."""

from datetime import datetime

from kits.models import ConsensusKit, KitShare
from planner.models import BuyingGroup

# What a list of kits shows of each (with who built it, by name): never what a kit was
# built from and into, which the kit's own pages read (and a built document can be large).
LISTED_FIELDS = ("version", "status", "created_at", "created_by__name", "created_by__email")


def group_kits(group: BuyingGroup, *, limit: int = 10) -> list[ConsensusKit]:
    """The group's latest kit versions, newest first, each with its share-link activity:
    `link_count`, `view_count` (0 without links) and `first_view` (None until a link is
    opened). Two short queries (one when the group has no kit), the links' counts added up
    here: a group has a few links per kit, and a query joining kits to links and grouping
    them costs the page three times the time of a plain one."""
    kits = list(
        ConsensusKit.objects.filter(group_id=group.pk)
        .select_related("created_by")
        .only(*LISTED_FIELDS)
        .order_by("-version")[:limit]
    )
    if not kits:
        return kits
    activity: dict[int, tuple[int, int, datetime | None]] = {}
    for kit_id, views, first_viewed in (
        KitShare.objects.filter(kit_id__in=[kit.pk for kit in kits])
        .order_by()
        .values_list("kit_id", "views", "first_viewed_at")
    ):
        links, total, first = activity.get(kit_id, (0, 0, None))
        if first is None or (first_viewed is not None and first_viewed < first):
            first = first_viewed
        activity[kit_id] = (links + 1, total + views, first)
    for kit in kits:
        kit.link_count, kit.view_count, kit.first_view = activity.get(kit.pk, (0, 0, None))
    return kits

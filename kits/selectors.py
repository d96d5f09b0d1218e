"""Careful reads of kits."""

from django.db.models import Count, Min, Sum

from kits.models import ConsensusKit
from planner.models import BuyingGroup


def group_kits(group: BuyingGroup, *, limit: int = 10):
    """The group's kit versions with their share-link activity, in one query."""
    return list(
        ConsensusKit.objects.filter(group=group)
        .select_related("created_by")
        .annotate(
            link_count=Count("shares", distinct=True),
            view_count=Sum("shares__views", default=0),
            first_view=Min("shares__first_viewed_at"),
        )
        .order_by("-version")[:limit]
    )

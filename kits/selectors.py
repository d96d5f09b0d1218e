"""Careful reads of kits."""

from django.db.models import Count, Min, Sum

from kits.models import ConsensusKit
from planner.models import BuyingGroup

# What a kit was built from and into: read by the kit's own pages, not by lists of kits.
BUILT_FIELDS = ("problem_statement", "assets", "plan", "glossary", "document", "error")


def group_kits(group: BuyingGroup, *, limit: int = 10):
    """The group's kit versions with their share-link activity, in one query, without what
    each was built from and into (a list of kits never shows it, and a built document can
    be large)."""
    return list(
        ConsensusKit.objects.filter(group=group)
        .select_related("created_by")
        .defer(*BUILT_FIELDS)
        .annotate(
            link_count=Count("shares", distinct=True),
            view_count=Sum("shares__views", default=0),
            first_view=Min("shares__first_viewed_at"),
        )
        .order_by("-version")[:limit]
    )

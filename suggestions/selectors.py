"""Careful reads of planned sends."""

from planner.models import BuyingGroup
from suggestions.models import PlannedSend


def planned_sends(group: BuyingGroup, *, limit: int = 10):
    return list(
        PlannedSend.objects.filter(group=group)
        .select_related("asset", "send_first")
        .prefetch_related("recipients")
        .order_by("status", "-created_at")[:limit]
    )

"""Careful reads of planned sends."""

import functools

from django.db import router
from django.db.models import prefetch_related_objects

from accounts.prepared_queries import UNUSED_ID, PreparedQuery
from planner.models import BuyingGroup
from suggestions.models import PlannedSend


def planned_sends(group: BuyingGroup, *, limit: int = 10):
    """The group's latest sends (by status, newest first) with their asset, what to send
    first and their recipients: the query compiled once per `limit` (the group page asks
    after every write to the group), the recipients read as `prefetch_related` reads them."""
    sends = _latest_sends(limit).all(router.db_for_read(PlannedSend), group.pk)
    prefetch_related_objects(sends, "recipients")
    return sends


@functools.cache
def _latest_sends(limit: int) -> PreparedQuery:
    """`planned_sends`' query for `limit` sends, by the group's id."""
    return PreparedQuery(
        lambda group_id: (
            PlannedSend.objects.filter(group_id=group_id)
            .select_related("asset", "send_first")
            .order_by("status", "-created_at")[:limit]
        ),
        sentinels=(UNUSED_ID,),
    )

"""The planner's signals, turned into webhook events (see `api.webhooks`).

`touch.created`: the touches a change recorded, at most `TOUCHES_PER_EVENT` per event;
a bigger change (a CSV import of 50,000 rows) becomes several events that share
`data.batch.id` and say which part of how many each one is.

`group.readiness_changed`: a new snapshot's readiness differs from the one before it.
`group.drifting`: a new snapshot's divergence is at least `DRIFT` (the digest's own
"worth a line" threshold) above the one before it.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator

from django.dispatch import receiver

from api.webhooks import emit, emit_parts
from kits.models import ConsensusKit, KitShare
from kits.signals import kit_built, kit_viewed
from planner.models import BuyingGroup
from planner.signals import touches_created
from scoring.models import Snapshot
from scoring.signals import snapshot_stored

DRIFT = 0.02
TOUCHES_PER_EVENT = 1_000  # about 150 KB of JSON per event, whatever the size of the change


def _group(group: BuyingGroup) -> dict:
    return {"id": group.pk, "name": group.name}


def _touch(touch) -> dict:
    return {
        "id": touch.pk,
        "email": touch.stakeholder.email,
        "occurred_at": touch.occurred_at.isoformat(),
        "channel": touch.channel,
        "asset": touch.asset.slug if touch.asset_id else None,
    }


def touch_parts(group: BuyingGroup, touches) -> Iterator[dict]:
    """The `data` of each `touch.created` event for one change: at most
    `TOUCHES_PER_EVENT` touches each, all sharing one batch id."""
    touches = list(touches)
    parts = max(1, math.ceil(len(touches) / TOUCHES_PER_EVENT))
    batch = "bat_" + uuid.uuid4().hex
    for part in range(parts):
        chunk = touches[part * TOUCHES_PER_EVENT : (part + 1) * TOUCHES_PER_EVENT]
        yield {
            "group": _group(group),
            "count": len(chunk),
            "touches": [_touch(touch) for touch in chunk],
            "batch": {"id": batch, "part": part + 1, "parts": parts, "touches": len(touches)},
        }


@receiver(touches_created, dispatch_uid="api.touch_created")
def on_touches_created(sender, group: BuyingGroup, touches, **kwargs) -> None:
    """One `touch.created` per `TOUCHES_PER_EVENT` touches: a 50,000-row import is 50
    events of bounded size, written with the import and sent only if it commits."""
    emit_parts(
        organization_id=group.organization_id,
        event="touch.created",
        parts=touch_parts(group, touches),
    )


def _kit(kit: ConsensusKit) -> dict:
    return {"id": kit.pk, "version": kit.version, "status": kit.status}


@receiver(kit_built, dispatch_uid="api.kit_built")
def on_kit_built(sender, kit: ConsensusKit, **kwargs) -> None:
    group = kit.group
    emit(
        organization_id=group.organization_id,
        event="kit.built",
        data={"group": _group(group), "kit": _kit(kit)},
    )


@receiver(kit_viewed, dispatch_uid="api.kit_viewed")
def on_kit_viewed(sender, share: KitShare, **kwargs) -> None:
    kit = share.kit
    group = kit.group
    views = KitShare.objects.filter(pk=share.pk).values_list("views", flat=True).first()
    emit(
        organization_id=group.organization_id,
        event="kit.viewed",
        data={
            "group": _group(group),
            "kit": _kit(kit),
            "share": {"id": share.pk, "views": views or 0},
        },
    )


@receiver(snapshot_stored, dispatch_uid="api.snapshot_stored")
def on_snapshot(
    sender, snapshot: Snapshot | None = None, previous: Snapshot | None = None, **kwargs
) -> None:
    if snapshot is None or previous is None:
        return
    group = snapshot.group
    scores = {
        "group": _group(group),
        "readiness": {"before": previous.readiness, "after": snapshot.readiness},
        "divergence": {
            "before": round(previous.divergence, 4),
            "after": round(snapshot.divergence, 4),
        },
        "taken_at": snapshot.taken_at.isoformat(),
    }
    if snapshot.readiness != previous.readiness:
        emit(organization_id=group.organization_id, event="group.readiness_changed", data=scores)
    if snapshot.divergence - previous.divergence >= DRIFT:
        emit(organization_id=group.organization_id, event="group.drifting", data=scores)

"""The planner's signals, turned into webhook events (see `api.webhooks`).

`group.readiness_changed`: a new snapshot's readiness differs from the one before it.
`group.drifting`: a new snapshot's divergence is at least `DRIFT` (the digest's own
"worth a line" threshold) above the one before it.
"""

from __future__ import annotations

from django.dispatch import receiver

from api.webhooks import emit
from kits.models import ConsensusKit, KitShare
from kits.signals import kit_built, kit_viewed
from planner.models import BuyingGroup
from planner.signals import touches_created
from scoring.models import Snapshot
from scoring.signals import snapshot_stored

DRIFT = 0.02


def _group(group: BuyingGroup) -> dict:
    return {"id": group.pk, "name": group.name}


@receiver(touches_created, dispatch_uid="api.touch_created")
def on_touches_created(sender, group: BuyingGroup, touches, **kwargs) -> None:
    emit(
        organization_id=group.organization_id,
        event="touch.created",
        data={
            "group": _group(group),
            "count": len(touches),
            "touches": [
                {
                    "id": touch.pk,
                    "email": touch.stakeholder.email,
                    "occurred_at": touch.occurred_at.isoformat(),
                    "channel": touch.channel,
                    "asset": touch.asset.slug if touch.asset_id else None,
                }
                for touch in touches
            ],
        },
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

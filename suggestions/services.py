"""Writes to planned sends: accepting a suggestion, marking it sent, cancelling it."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from planner.models import BuyingGroup, Stakeholder, Touch
from planner.services import lock_group, touches_record
from planner.signals import group_changed
from suggestions.models import PlannedSend


@transaction.atomic
def planned_send_create(
    *,
    group: BuyingGroup,
    asset,
    recipients: list[Stakeholder],
    send_first: Stakeholder | None = None,
    reasons: list[str] | None = None,
    forecast: Mapping[str, float | int | None] | None = None,
    by: User | None = None,
) -> PlannedSend:
    """Accept a suggestion: plan to send `asset` to `recipients` (who must have consented)."""
    if asset.organization_id != group.organization_id:
        raise ValidationError("That asset is not in your content library.")
    if not recipients:
        raise ValidationError(
            "Nobody in this group may be contacted, so there is no one to send it to."
        )
    if any(r.group_id != group.pk for r in recipients):
        raise ValidationError("Every recipient must be a member of this group.")
    if any(not r.consent for r in recipients):
        raise ValidationError("People who have not consented to contact cannot be recipients.")
    forecast = dict(forecast or {})
    planned = PlannedSend.objects.create(
        group=group,
        asset=asset,
        send_first=send_first if send_first in recipients else None,
        reasons=list(reasons or []),
        created_by=by,
        divergence_before=forecast.get("divergence_before"),
        divergence_after=forecast.get("divergence_after"),
        readiness_before=forecast.get("readiness_before"),
        readiness_after=forecast.get("readiness_after"),
    )
    planned.recipients.set(recipients)
    group_changed.send(sender=PlannedSend, group_id=group.pk, rescore=False)
    return planned


@transaction.atomic
def planned_send_mark_sent(*, planned: PlannedSend, by: User | None = None, at=None) -> list[Touch]:
    """Record the send: one touch per recipient who still consents. Safe to call twice."""
    lock_group(planned.group_id)  # the group first, as every write in a group
    planned = (
        PlannedSend.objects.select_for_update().select_related("asset", "group").get(pk=planned.pk)
    )
    if planned.status != PlannedSend.Status.PLANNED:
        raise ValidationError(f"This send is already {planned.get_status_display().lower()}.")
    recipients = [r for r in planned.recipients.all() if r.consent]
    if not recipients:
        raise ValidationError("None of the recipients may be contacted any more.")
    touches = touches_record(
        group=planned.group,
        stakeholders=recipients,
        occurred_at=at or timezone.now(),
        channel="email",
        asset=planned.asset,
        themes=None,
        by=by,
    )
    planned.status = PlannedSend.Status.SENT
    planned.sent_at = at or timezone.now()
    planned.message_key = touches[0].message_key
    planned.save(update_fields=["status", "sent_at", "message_key"])
    group_changed.send(sender=PlannedSend, group_id=planned.group_id, rescore=False)
    return touches


@transaction.atomic
def planned_send_cancel(*, planned: PlannedSend) -> None:
    if planned.status != PlannedSend.Status.PLANNED:
        raise ValidationError(f"This send is already {planned.get_status_display().lower()}.")
    planned.status = PlannedSend.Status.CANCELLED
    planned.save(update_fields=["status"])
    group_changed.send(sender=PlannedSend, group_id=planned.group_id, rescore=False)

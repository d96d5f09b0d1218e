"""Suggestions the marketer accepted (the table is still planner_plannedsend)."""

from django.conf import settings
from django.db import models

from planner.models import BuyingGroup, Stakeholder


class PlannedSend(models.Model):
    """A suggestion the marketer accepted: send this asset to these people. Marking it sent
    records one touch per recipient who (still) consents, so the scores move."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Cancelled"

    group = models.ForeignKey(BuyingGroup, on_delete=models.CASCADE, related_name="planned_sends")
    asset = models.ForeignKey("content.Asset", on_delete=models.CASCADE, related_name="+")
    recipients = models.ManyToManyField(Stakeholder, related_name="planned_sends")
    send_first = models.ForeignKey(
        Stakeholder, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    divergence_before = models.FloatField(null=True, blank=True)
    divergence_after = models.FloatField(null=True, blank=True)
    readiness_before = models.SmallIntegerField(null=True, blank=True)
    readiness_after = models.SmallIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_key = models.CharField(max_length=40, blank=True)

    class Meta:
        db_table = "planner_plannedsend"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.asset} to {self.group} ({self.get_status_display()})"

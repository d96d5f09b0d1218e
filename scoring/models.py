"""What scoring keeps: the scores of a group at moments (its table is still planner_snapshot)."""

from django.db import models

from planner.models import BuyingGroup


class Snapshot(models.Model):
    """The group's scores at one moment: what the trend lines and the digest compare."""

    group = models.ForeignKey(BuyingGroup, on_delete=models.CASCADE, related_name="snapshots")
    taken_at = models.DateTimeField(db_index=True)
    divergence = models.FloatField()
    readiness = models.PositiveSmallIntegerField()
    priority_divergence = models.FloatField(default=0.0)
    tailoring = models.FloatField(default=0.0)
    members = models.PositiveSmallIntegerField(default=0)
    document = models.JSONField(default=dict)  # the analyze_group document at that moment
    fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        db_table = "planner_snapshot"
        ordering = ["-taken_at", "-pk"]
        indexes = [models.Index(fields=["group", "-taken_at"])]

    def __str__(self) -> str:
        return f"{self.group} at {self.taken_at:%Y-%m-%d %H:%M}: readiness {self.readiness}"

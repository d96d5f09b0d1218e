"""What scoring keeps: the scores of a group at moments (its table is still planner_snapshot)."""

from django.db import models, router

from accounts.prepared_queries import UNUSED_ID, Prepared
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

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        """As Django's; reading the deferred document of a listed snapshot (the group
        page's "what changed since last week", `scoring.selectors.recent_snapshots`) is
        one query compiled once (`accounts.prepared_queries.Prepared`), a third of the time."""
        if fields is not None and from_queryset is None and list(fields) == ["document"]:
            db = using or self._state.db or router.db_for_read(Snapshot, instance=self)
            found = _DOCUMENT.rows(db, self.pk)
            if found:
                self.document = found[0][0]
                return
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)


def _document(pk: int):
    return Snapshot.objects.filter(pk=pk).order_by().values_list("document")


# A snapshot's document, by its pk (an id no call passes stands for it).
_DOCUMENT = Prepared(_document, ("document",), sentinels=(UNUSED_ID,))

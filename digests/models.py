from datetime import datetime, timedelta

from django.conf import settings
from django.db import models

from accounts.models import Organization

CLAIM_TIMEOUT = timedelta(minutes=15)  # a "sending" claim older than this: the worker died


def claim_timeout() -> timedelta:
    """CLAIM_TIMEOUT, or DIGEST_CLAIM_TIMEOUT_SECONDS where a deployment (or a fault test)
    sets another."""
    return timedelta(seconds=getattr(settings, "DIGEST_CLAIM_TIMEOUT_SECONDS", 0)) or CLAIM_TIMEOUT


MAX_ATTEMPTS = 10  # after this many failed attempts in a week, that week's digest is dropped


class DigestOutboxQuerySet(models.QuerySet):
    def settled(self, *, clock: datetime) -> "DigestOutboxQuerySet":
        """Rows nobody should try to send now: sent, skipped (quiet week), being sent by a
        live claim, or given up after MAX_ATTEMPTS."""
        S = DigestOutbox.Status
        return self.filter(
            models.Q(status__in=[S.SENT, S.SKIPPED])
            | models.Q(status=S.SENDING, claimed_at__gte=clock - claim_timeout())
            | models.Q(attempts__gte=MAX_ATTEMPTS)
        )

    def claimable(self, *, clock: datetime) -> "DigestOutboxQuerySet":
        S = DigestOutbox.Status
        return self.filter(attempts__lt=MAX_ATTEMPTS).filter(
            models.Q(status__in=[S.PENDING, S.FAILED])
            | models.Q(status=S.SENDING, claimed_at__lt=clock - claim_timeout())
        )


class DigestOutbox(models.Model):
    """One weekly digest for one user in one organization: the row that makes sending
    happen once.

    It is created (or claimed) before the email leaves and marked sent after, and it is
    unique per user, organization and ISO week (the week on the user's own calendar).
    `pending` -> `sending` (claimed) -> `sent`; `failed` when the last attempt raised
    (claimable again); `skipped` for a quiet week. A claim older than
    `CLAIM_TIMEOUT` is taken to be a worker that died mid-send and may be claimed
    again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (quiet week)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="digests")
    iso_year = models.PositiveSmallIntegerField()
    iso_week = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DigestOutboxQuerySet.as_manager()

    class Meta:
        verbose_name = "digest"
        ordering = ["-iso_year", "-iso_week", "user_id", "organization_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "iso_year", "iso_week"],
                name="one_digest_per_user_org_week",
            )
        ]
        indexes = [models.Index(fields=["iso_year", "iso_week", "status"])]

    def __str__(self) -> str:
        week = f"{self.iso_year}-W{self.iso_week:02d}"
        return f"Digest {week} of user {self.user_id} in {self.organization_id}: {self.status}"

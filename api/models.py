"""API keys, idempotent replays, short-lived kit file links, webhook endpoints and their
delivery log. Every row belongs to one organization (directly or through its parent)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Organization


class ApiKey(models.Model):
    """An organization's key for the HTTP API. Only the sha256 of the key is kept: the key
    itself is shown once, when it is created.

    A key made by a person acts with that person's rights: it works only while they are
    an active member of the organization in a role that may own keys. A key made on the
    command line without `--user` belongs to the organization and has no creator."""

    class Scope(models.TextChoices):
        READ = "read", "Read"
        WRITE = "write", "Read and write"

    class RevokedBecause(models.TextChoices):
        ADMIN = "admin", "revoked by an admin"
        CREATOR_LEFT = "creator_left", "creator left the organization"
        CREATOR_ROLE = "creator_role", "creator is no longer an admin"
        CREATOR_INACTIVE = "creator_inactive", "creator's account was deactivated"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80)
    scope = models.CharField(max_length=5, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(max_length=16)  # the first characters, to recognise a key by
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The creator's address when the key was made: kept if their account is deleted, and
    # the sign that this key had a creator (a key with one but no account left is dead).
    created_by_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_because = models.CharField(max_length=16, choices=RevokedBecause.choices, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "created_by"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE

    @property
    def has_creator(self) -> bool:
        return self.created_by_id is not None or bool(self.created_by_email)


class IdempotentRequest(models.Model):
    """The answer to a write sent with an `Idempotency-Key` header, replayed when the same
    key sends the same request again (kept for a day)."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["api_key", "key"], name="one_answer_per_idempotency_key"
            )
        ]

    def __str__(self) -> str:
        return f"Idempotency key {self.key}"


class KitFileLink(models.Model):
    """A short-lived download link for a kit's PDF or ZIP. The URL carries a signed token
    naming this row's random nonce, so it only works while this row exists and has not
    expired: the SECRET_KEY alone cannot mint one."""

    kit = models.ForeignKey("kits.ConsensusKit", on_delete=models.CASCADE, related_name="+")
    format = models.CharField(max_length=3)  # pdf | zip
    nonce = models.CharField(max_length=43, unique=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    api_key = models.ForeignKey(ApiKey, on_delete=models.SET_NULL, null=True, related_name="+")

    def __str__(self) -> str:
        return f"{self.format} link to {self.kit_id}"


class WebhookEndpoint(models.Model):
    """A URL an admin registered to hear about events of the organization. The secret
    signs every delivery; it is shown once, when the endpoint is created."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list)
    secret = models.CharField(max_length=64)
    description = models.CharField(max_length=120, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event on its way to one endpoint, with what happened at the last attempt."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        RETRYING = "retrying", "Retrying"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40)
    event_id = models.CharField(max_length=40, db_index=True)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["endpoint", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint}"

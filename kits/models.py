"""Consensus kits, their downloads and share links (tables keep their planner_ names)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from planner.models import BuyingGroup


def kit_upload_to(kit: "ConsensusKit", filename: str) -> str:
    return f"kits/{kit.group.organization_id}/{kit.group_id}/v{kit.version}/{filename}"


def share_upload_to(share: "KitShare", filename: str) -> str:
    return kit_upload_to(share.kit, f"shares/{share.pk}/{filename}")


class ConsensusKit(models.Model):
    """One built version (v1, v2, ...) of the kit a sales rep hands the buying group.

    `document` is what was built: exactly the text that may leave the company (no stance,
    influence, notes or friction), so the PDF, the ZIP and the shared page agree.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        BUILDING = "building", "Building"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    group = models.ForeignKey(BuyingGroup, on_delete=models.CASCADE, related_name="kits")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=80, blank=True)
    problem_statement = models.TextField()
    assets = models.JSONField(default=list)  # [{"id": asset pk, "why": "..."}] in kit order
    plan = models.JSONField(default=list)  # [{"step", "owner", "due" (ISO date or "")}]
    # The glossary terms the rep kept (ids); null: the terms of the group's themes.
    glossary = models.JSONField(null=True, blank=True)
    document = models.JSONField(default=dict, blank=True)
    pdf = models.FileField(upload_to=kit_upload_to, blank=True)
    zip = models.FileField(upload_to=kit_upload_to, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)  # last (re)queued
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # last sign of its worker
    worker = models.CharField(max_length=120, blank=True)  # "host:pid" building it
    requeues = models.PositiveSmallIntegerField(default=0)  # by the sweep, bounded
    built_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "planner_consensuskit"
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["group", "version"], name="kit_version_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.group} kit v{self.version}"

    @property
    def is_done(self) -> bool:
        return self.status in {self.Status.READY, self.Status.FAILED}

    @property
    def waiting_since(self):
        """When the build was (re)queued: what the page counts the elapsed time from."""
        return self.queued_at or self.created_at

    @property
    def last_sign_of_life(self):
        """The last moment anything happened to an unfinished build."""
        if self.status == self.Status.BUILDING and self.heartbeat_at:
            return self.heartbeat_at
        return self.waiting_since

    @property
    def elapsed_seconds(self) -> int:
        return max(0, int((timezone.now() - self.waiting_since).total_seconds()))

    @property
    def elapsed_label(self) -> str:
        """How long the build has been waiting: "42 s", "3 min 05 s", "1 h 02 min"."""
        seconds = self.elapsed_seconds
        if seconds < 60:
            return f"{seconds} s"
        if seconds < 3600:
            return f"{seconds // 60} min {seconds % 60:02d} s"
        return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"

    @property
    def overdue(self) -> bool:
        """Unfinished with no sign of life for KIT_BUILD_DEADLINE_SECONDS: the page offers
        "Try again" and the sweep (kits.builds.kits_sweep) takes it over."""
        if self.is_done or self.last_sign_of_life is None:
            return False
        idle = (timezone.now() - self.last_sign_of_life).total_seconds()
        return idle > settings.KIT_BUILD_DEADLINE_SECONDS


class KitDownload(models.Model):
    """Who downloaded which kit, when (downloads need membership)."""

    kit = models.ForeignKey(ConsensusKit, on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    format = models.CharField(max_length=4)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "planner_kitdownload"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.kit} {self.format} downloaded {self.at:%Y-%m-%d %H:%M}"


class KitShare(models.Model):
    """A tracked link to a kit for people outside the company: no login, signed,
    expiring, revocable."""

    kit = models.ForeignKey(ConsensusKit, on_delete=models.CASCADE, related_name="shares")
    nonce = models.CharField(max_length=32, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    views = models.PositiveIntegerField(default=0)
    first_viewed_at = models.DateTimeField(null=True, blank=True)
    last_viewed_at = models.DateTimeField(null=True, blank=True)
    # The kit's PDF as this link gives it: each asset file linked through this link
    # (made on the first download; it stops working with the link).
    pdf = models.FileField(upload_to=share_upload_to, blank=True)

    class Meta:
        db_table = "planner_kitshare"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Share link for {self.kit}"

    @property
    def state(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "active"


class KitView(models.Model):
    """One view of a shared kit page (no personal data about the viewer is kept)."""

    share = models.ForeignKey(KitShare, on_delete=models.CASCADE, related_name="view_log")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "planner_kitview"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"View of {self.share.kit} at {self.at:%Y-%m-%d %H:%M}"

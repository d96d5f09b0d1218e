from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from accounts.models import Organization
from planner.buying_roles import DEFAULT_REQUIRED_ROLES, ROLE_CHOICES, ROLE_LABELS

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class Stance(models.TextChoices):
    SUPPORTER = "supporter", "Supporter"
    NEUTRAL = "neutral", "Neutral"
    SKEPTIC = "skeptic", "Skeptic"
    UNKNOWN = "unknown", "Unknown"


class RelationshipKind(models.TextChoices):
    REPORTS_TO = "reports_to", "reports to"
    INFLUENCES = "influences", "influences"
    COLLABORATES = "collaborates", "collaborates with"
    CONFLICTS_WITH = "conflicts_with", "conflicts with"


class OpportunityStage(models.TextChoices):
    PROSPECTING = "prospecting", "Prospecting"
    DISCOVERY = "discovery", "Discovery"
    EVALUATION = "evaluation", "Evaluation"
    PROPOSAL = "proposal", "Proposal"
    NEGOTIATION = "negotiation", "Negotiation"
    CLOSED_WON = "closed_won", "Closed won"
    CLOSED_LOST = "closed_lost", "Closed lost"


class BuyingGroup(models.Model):
    """The people at one account who decide one purchase together."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="buying_groups"
    )
    name = models.CharField(max_length=120, help_text="What the team calls this deal.")
    account = models.CharField(
        "account (company)", max_length=120, blank=True, help_text="The buying company."
    )
    opportunity_stage = models.CharField(
        max_length=20, choices=OpportunityStage.choices, default=OpportunityStage.DISCOVERY
    )
    expected_close = models.DateField("expected close date", null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_groups",
    )
    notes = models.TextField(blank=True)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set in the same transaction as a change that moves the scores; cleared once a
    # snapshot has scored it. Durable, so a change is rescored even if Redis blinks.
    rescore_requested_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("organization", Lower("name"), name="group_name_per_org_ci")
        ]
        indexes = [models.Index(fields=["organization", "archived", "updated_at"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("group_detail", args=[self.pk])


class Stakeholder(models.Model):
    """One member of a buying group."""

    group = models.ForeignKey(BuyingGroup, on_delete=models.CASCADE, related_name="stakeholders")
    email = models.EmailField()
    name = models.CharField(max_length=150, blank=True)
    title = models.CharField("job title", max_length=150, blank=True)
    buying_role = models.CharField(max_length=32, choices=ROLE_CHOICES, default="other")
    influence = models.PositiveSmallIntegerField(
        default=3, validators=ONE_TO_FIVE, help_text="1 = little say, 5 = decisive."
    )
    stance = models.CharField(max_length=12, choices=Stance.choices, default=Stance.UNKNOWN)
    priorities = models.JSONField(
        default=dict, blank=True, help_text="Theme slug -> weight: what this person cares about."
    )
    outcome = models.CharField(
        "measured on",
        max_length=255,
        blank=True,
        help_text="The result this person is measured on.",
    )
    consent = models.BooleanField(
        "may be contacted",
        default=True,
        help_text="Untick for people who have not agreed to hear from us; they are never "
        "suggested as recipients.",
    )
    notes = models.TextField("internal notes", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "email"]
        constraints = [
            models.UniqueConstraint(fields=["group", "email"], name="stakeholder_email_per_group"),
            models.CheckConstraint(
                condition=models.Q(influence__gte=1, influence__lte=5),
                name="stakeholder_influence_1_5",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.buying_role, "Other")


class Relationship(models.Model):
    """A directed tie: `source` reports to / influences / collaborates / conflicts with `target`."""

    group = models.ForeignKey(BuyingGroup, on_delete=models.CASCADE, related_name="relationships")
    source = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="ties_out")
    target = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="ties_in")
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    strength = models.PositiveSmallIntegerField(
        default=3, validators=ONE_TO_FIVE, help_text="1 = weak, 5 = very strong."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["source__name", "kind", "target__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "kind"], name="one_relationship_per_pair_and_kind"
            ),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="relationship_not_self"
            ),
            models.CheckConstraint(
                condition=models.Q(strength__gte=1, strength__lte=5),
                name="relationship_strength_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.get_kind_display()} {self.target}"


def default_required_roles() -> list[str]:
    return list(DEFAULT_REQUIRED_ROLES)


class PlannerSettings(models.Model):
    """How an organization plans buying groups: the roles every group needs (its role
    template) and how fast an old message fades from a person's story (half-life)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="planner_settings"
    )
    required_roles = models.JSONField(default=default_required_roles)
    half_life_days = models.PositiveSmallIntegerField(
        "message half-life (days)",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="A message this many days old counts half as much as one sent today.",
    )

    class Meta:
        verbose_name_plural = "planner settings"

    def __str__(self) -> str:
        return f"Planner settings of {self.organization}"


class PendingImport(models.Model):
    """An uploaded CSV pair waiting for the marketer to confirm the preview.

    The files are kept as text so confirming re-validates exactly what was previewed, and
    nothing is written to the group until then.
    """

    group = models.ForeignKey(BuyingGroup, on_delete=models.CASCADE, related_name="pending_imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    stakeholders_name = models.CharField(max_length=255, blank=True)
    stakeholders_csv = models.TextField(blank=True)
    relationships_name = models.CharField(max_length=255, blank=True)
    relationships_csv = models.TextField(blank=True)
    touches_name = models.CharField(max_length=255, blank=True)
    touches_csv = models.TextField(blank=True)
    # The people and relationships the preview was computed against (importing.group_state):
    # a confirm after they changed asks for a new preview instead of guessing.
    group_state = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import into {self.group} by {self.created_by}"


class Touch(models.Model):
    """One message or asset that reached one stakeholder.

    Touches logged together for several people ("the same message to several people")
    share a `message_key`; the tailoring index counts how many messages reached one
    person only.
    """

    group = models.ForeignKey(BuyingGroup, on_delete=models.CASCADE, related_name="touches")
    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="touches")
    occurred_at = models.DateTimeField("when")
    channel = models.CharField(max_length=50, blank=True, help_text="email, call, event, web...")
    asset = models.ForeignKey(
        "content.Asset", on_delete=models.SET_NULL, null=True, blank=True, related_name="touches"
    )
    themes = models.JSONField(
        default=dict, blank=True, help_text="Theme slug -> weight. Empty: the asset's themes."
    )
    message_key = models.CharField(max_length=40, blank=True, db_index=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["group", "occurred_at"]),
            models.Index(fields=["stakeholder", "occurred_at"]),
        ]

    def __str__(self) -> str:
        what = self.asset.title if self.asset_id else ", ".join(self.themes) or "a message"
        return f"{what} to {self.stakeholder} on {self.occurred_at:%Y-%m-%d}"


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
        ordering = ["-taken_at", "-pk"]
        indexes = [models.Index(fields=["group", "-taken_at"])]

    def __str__(self) -> str:
        return f"{self.group} at {self.taken_at:%Y-%m-%d %H:%M}: readiness {self.readiness}"


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
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.asset} to {self.group} ({self.get_status_display()})"


def kit_upload_to(kit: "ConsensusKit", filename: str) -> str:
    return f"kits/{kit.group.organization_id}/{kit.group_id}/v{kit.version}/{filename}"


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
        from django.utils import timezone

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
        "Try again" and the sweep (planner.kit_builds.kits_sweep) takes it over."""
        from django.utils import timezone

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

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Share link for {self.kit}"

    @property
    def state(self) -> str:
        from django.utils import timezone

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
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"View of {self.share.kit} at {self.at:%Y-%m-%d %H:%M}"

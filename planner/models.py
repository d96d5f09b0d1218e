from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

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

from django.db import models

from accounts.models import Organization
from content.csv_schemas import (
    FRAMING_CHOICES,
    KIND_CHOICES,
    LEVEL_CHOICES,
    STAGE_CHOICES,
    TITLE_MAX_LENGTH,
)


class Theme(models.Model):
    """One message theme in the organization's taxonomy (e.g. `cost-of-downtime`).

    Stakeholders' priorities, touches and assets all name themes by slug; a slug named in
    an upload that the organization does not have yet is created on the fly.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="themes")
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="theme_slug_per_org")
        ]

    def __str__(self) -> str:
        return self.name


class Asset(models.Model):
    """One piece of content in the organization's library (an article, a calculator...).

    `framing`, `level` and `stage` place it on the consensus map: shared-problem framing
    at the mass or mass-customized level gives a buying group one story, individual
    framing at the individualized level pulls members apart. `themes` maps theme slugs
    to positive weights, like a stakeholder's priorities.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="assets")
    slug = models.SlugField(max_length=60)
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    kind = models.CharField(max_length=20, choices=KIND_CHOICES, default="other")
    framing = models.CharField(max_length=20, choices=FRAMING_CHOICES, default="shared_problem")
    level = models.CharField(max_length=20, choices=LEVEL_CHOICES, default="mass_customized")
    stage = models.CharField(max_length=30, choices=STAGE_CHOICES, default="problem_identification")
    themes = models.JSONField(default=dict, blank=True)  # theme slug -> positive weight
    url = models.URLField(max_length=500, blank=True)
    summary = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="asset_slug_per_org")
        ]

    def __str__(self) -> str:
        return self.title

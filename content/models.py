import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.text import get_valid_filename

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


FILE_NAME_MAX_LENGTH = 120


def safe_file_name(name: str) -> str:
    """A file name safe to store and to send back: no directories, no odd characters.

    "../Q3 report (final).pdf" -> "Q3_report_final.pdf"; keeps the extension when it
    has to shorten a long name.
    """
    base = PurePath(name.replace("\\", "/")).name
    try:
        cleaned = get_valid_filename(base)
    except SuspiciousFileOperation:  # nothing usable left, e.g. "..", "???"
        cleaned = ""
    cleaned = cleaned.lstrip(".") or "file"
    if len(cleaned) > FILE_NAME_MAX_LENGTH:
        stem, dot, ext = cleaned.rpartition(".")
        ext = ext[:10] if dot else ""
        keep = FILE_NAME_MAX_LENGTH - len(ext) - (1 if ext else 0)
        cleaned = f"{(stem or cleaned)[:keep]}{'.' if ext else ''}{ext}"
    return cleaned


def asset_file_path(asset: "Asset", filename: str) -> str:
    """assets/<organization id>/<random uuid>/<safe name>: unguessable, never overwritten."""
    return f"assets/{asset.organization_id}/{uuid.uuid4().hex}/{safe_file_name(filename)}"


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
    # An uploaded copy (a PDF, a deck...), kept in MEDIA_ROOT, which is never served as is:
    # members download it through the `asset_file` view, which checks the organization.
    file = models.FileField(upload_to=asset_file_path, blank=True, max_length=255)
    file_name = models.CharField(max_length=255, blank=True)  # as uploaded, made safe
    file_size = models.PositiveBigIntegerField(default=0)  # bytes
    file_type = models.CharField(max_length=10, blank=True)  # a content.uploads type: "pdf"
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="asset_slug_per_org")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("asset_detail", args=[self.pk])

    @property
    def is_shared_problem(self) -> bool:
        return self.framing == "shared_problem"


class GlossaryTerm(models.Model):
    """One word of the organization's common language, so the whole group uses the same
    words: "downtime" means the same to finance, IT and the business."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="glossary_terms"
    )
    term = models.CharField(max_length=120)
    definition = models.TextField(max_length=2000)
    themes = models.ManyToManyField(Theme, blank=True, related_name="glossary_terms")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = [Lower("term")]
        constraints = [
            models.UniqueConstraint("organization", Lower("term"), name="glossary_term_per_org_ci")
        ]

    def __str__(self) -> str:
        return self.term


class PendingAssetImport(models.Model):
    """An uploaded library CSV waiting for its uploader to confirm the preview.

    Kept as text so confirming re-validates exactly what was previewed; nothing is written
    to the library until then.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="pending_asset_imports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    csv_text = models.TextField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Library import of {self.file_name} by {self.created_by}"

from django.db import models

from accounts.models import Organization


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

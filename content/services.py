"""Writes to the content library."""

from collections.abc import Iterable

from django.db import transaction

from accounts.models import Organization
from content.models import Theme


def theme_name_from_slug(slug: str) -> str:
    return slug.replace("-", " ").strip().capitalize()


@transaction.atomic
def themes_ensure(*, organization: Organization, slugs: Iterable[str]) -> list[Theme]:
    """Create the themes among `slugs` that the organization does not have yet."""
    wanted = {slug for slug in slugs if slug}
    if not wanted:
        return []
    existing = set(
        Theme.objects.filter(organization=organization, slug__in=wanted).values_list(
            "slug", flat=True
        )
    )
    created = [
        Theme(organization=organization, slug=slug, name=theme_name_from_slug(slug))
        for slug in sorted(wanted - existing)
    ]
    Theme.objects.bulk_create(created, ignore_conflicts=True)
    return created

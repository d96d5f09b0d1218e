import re

from django.core.management.base import BaseCommand, CommandError

from accounts.services import organization_create

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class Command(BaseCommand):
    help = "Create an organization (does nothing if one with that slug exists)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="lowercase letters, digits and dashes, e.g. acme-corp")
        parser.add_argument("name", help="the organization's display name")

    def handle(self, *args, slug: str, name: str, **options):
        if not SLUG.match(slug) or len(slug) > 60:
            raise CommandError(
                f"invalid slug {slug!r}: use lowercase letters, digits and dashes (max 60)"
            )
        if not name.strip() or len(name) > 120:
            raise CommandError("name must be 1 to 120 characters")
        organization, created = organization_create(slug=slug, name=name.strip())
        verb = "created" if created else "exists"
        self.stdout.write(f"{verb}: {organization.slug} ({organization.name}) id={organization.pk}")

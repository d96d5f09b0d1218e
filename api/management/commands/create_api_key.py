from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Membership, Organization
from accounts.roles import Role
from api.keys import api_key_create
from api.models import ApiKey


class Command(BaseCommand):
    help = (
        "Create an API key for an organization. The key is printed as the last line of the "
        "output; it is the only time it is ever shown."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="the organization's slug")
        parser.add_argument("--name", required=True, help="what the key is for")
        parser.add_argument("--scope", choices=ApiKey.Scope.values, default=ApiKey.Scope.READ)
        parser.add_argument(
            "--user",
            help="email of an admin of the organization the key acts for (its digest "
            "preferences are the key's /me/digest)",
        )

    def handle(self, *args, org: str, name: str, scope: str, user: str | None, **options):
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(f"no organization with slug {org!r}")
        by = None
        if user:
            membership = (
                Membership.objects.select_related("user")
                .filter(organization=organization, user__email__iexact=user, role=Role.ADMIN)
                .first()
            )
            if membership is None:
                raise CommandError(f"{user} is not an admin of {org}")
            by = membership.user
        try:
            key, secret = api_key_create(organization=organization, name=name, scope=scope, by=by)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Created {key.get_scope_display().lower()} key {key.name!r} for {org}.")
        self.stdout.write(secret)

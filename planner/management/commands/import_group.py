from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Organization
from csvio.errors import CsvFileError
from csvio.files import read_csv_file
from planner import importing
from planner.models import BuyingGroup


def _read(path: str | None) -> bytes | None:
    if path is None:
        return None
    try:
        return read_csv_file(path, max_bytes=importing.MAX_BYTES)
    except CsvFileError as error:
        raise CommandError(str(error)) from error


class Command(BaseCommand):
    help = (
        "Create or update a buying group from stakeholder (and relationship) CSV files. "
        "Validates everything first and writes nothing if any row is wrong. Prints the group id."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="organization slug")
        parser.add_argument(
            "--name", required=True, help="buying group name (matched case-insensitively)"
        )
        parser.add_argument("--stakeholders", required=True, help="stakeholders CSV file")
        parser.add_argument("--relationships", help="relationships CSV file")
        parser.add_argument("--touches", help="touches CSV file")

    def handle(
        self,
        *args,
        org: str,
        name: str,
        stakeholders: str,
        relationships: str | None,
        touches: str | None,
        **options,
    ):
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(f"no organization with slug {org!r} (create it with create_org)")
        if not name.strip():
            raise CommandError("--name must not be empty")
        people, ties, sent = _read(stakeholders), _read(relationships), _read(touches)
        with transaction.atomic():
            group = BuyingGroup.objects.filter(
                organization=organization, name__iexact=name.strip()
            ).first() or BuyingGroup.objects.create(organization=organization, name=name.strip())
            plan = importing.import_plan(
                group=group,
                stakeholders=people,
                relationships=ties,
                stakeholders_name=Path(stakeholders).name,
                relationships_name=Path(relationships).name
                if relationships
                else "relationships.csv",
                touches=sent,
                touches_name=Path(touches).name if touches else "touches.csv",
            )
            if not plan.ok:
                first = plan.problems[0]
                more = (
                    f" (and {len(plan.problems) - 1} more problems)"
                    if len(plan.problems) > 1
                    else ""
                )
                transaction.set_rollback(True)
                raise CommandError(f"{first}{more}; nothing was imported")
            importing.import_apply(group=group, plan=plan)
        for warning in plan.warnings:
            self.stderr.write(f"warning: {warning}")
        self.stderr.write(f"{group.name}: {plan.summary()}")
        self.stdout.write(str(group.pk))

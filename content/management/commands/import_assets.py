import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organization
from content import importing
from csvio.errors import CsvFileError
from csvio.files import read_csv_file


def _read(path: str) -> bytes:
    try:
        return read_csv_file(path, max_bytes=importing.MAX_BYTES)
    except CsvFileError as error:
        raise CommandError(str(error)) from error


class Command(BaseCommand):
    help = (
        "Create or update assets in an organization's content library from a CSV file "
        "(slug,title,kind,framing,level,stage,themes,url,summary). Validates everything "
        "first and writes nothing if any row is wrong; assets are matched by slug."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="organization slug")
        parser.add_argument("file", metavar="FILE", help="content library CSV file")
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help='text: "created N, updated N, unchanged N"; json: one JSON document',
        )

    def handle(self, *args, org: str, file: str, format: str, **options):
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(f"no organization with slug {org!r} (create it with create_org)")
        data = _read(file)
        plan = importing.asset_import_plan(
            organization=organization, data=data, name=Path(file).name
        )
        if not plan.ok:
            first = plan.problems[0]
            more = (
                f" (and {len(plan.problems) - 1} more problems)" if len(plan.problems) > 1 else ""
            )
            raise CommandError(f"{first}{more}; nothing was imported")
        importing.asset_import_apply(organization=organization, plan=plan)
        for warning in plan.warnings:
            self.stderr.write(f"warning: {warning}")
        if format == "json":
            document = {
                "created": plan.count("create"),
                "updated": plan.count("update"),
                "unchanged": plan.count("unchanged"),
                "assets": plan.slugs,
            }
            self.stdout.write(json.dumps(document))
        else:
            self.stdout.write(plan.summary())

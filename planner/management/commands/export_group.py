import json

from django.core.management.base import BaseCommand

from planner import exporting
from planner.management.arguments import group_by_id


class Command(BaseCommand):
    help = (
        "Print a group's stakeholders as CSV in the upload format (formula-safe), "
        "or the whole group as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("group_id", type=int)
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args, group_id: int, format: str, **options):
        group = group_by_id(group_id)
        if format == "csv":
            self.stdout.write(exporting.stakeholders_csv(group), ending="")
        else:
            self.stdout.write(
                json.dumps(exporting.group_document(group), indent=2, ensure_ascii=False)
            )

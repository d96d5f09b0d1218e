from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kits import services as kits
from planner.management.arguments import group_by_id


class Command(BaseCommand):
    help = (
        "Build a new version of a group's consensus kit (the drafted problem statement, the "
        "suggested assets and the default mutual plan) and write its ZIP to --out."
    )

    def add_arguments(self, parser):
        parser.add_argument("group_id", type=int)
        parser.add_argument("--out", required=True, help="where to write the ZIP (FILE.zip)")

    def handle(self, *args, group_id: int, out: str, **options):
        target = Path(out)
        if target.suffix.lower() != ".zip":
            raise CommandError("--out must name a .zip file")
        if not target.parent.exists():
            raise CommandError(f"no such folder: {target.parent}")
        group = group_by_id(group_id)
        draft = kits.draft(group)
        kit = kits.kit_request(group=group, by=None, enqueue=False, **draft)  # built here
        try:
            kit = kits.kit_build(kit_id=kit.pk)
        except Exception as error:
            raise CommandError(f"the kit could not be built: {error}") from error
        with kit.zip.open("rb") as source:
            target.write_bytes(source.read())
        self.stdout.write(
            f"kit v{kit.version} of {group.name}: {target} ({target.stat().st_size} bytes)"
        )

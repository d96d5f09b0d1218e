import json

from django.core.management.base import BaseCommand, CommandError

from planner.management.arguments import as_of_day, group_by_id
from scoring.core.scale import points
from suggestions.suggesting import suggestions_document


class Command(BaseCommand):
    help = (
        "Suggest content that gives the whole buying group one story: the suggested set "
        "first, then the next best assets, each with reasons and recipients."
    )

    def add_arguments(self, parser):
        parser.add_argument("group_id", type=int)
        parser.add_argument("--as-of", help="YYYY-MM-DD: suggest as of the end of that day")
        parser.add_argument("--limit", type=int, default=10, help="how many suggestions (1-50)")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, group_id: int, as_of: str | None, limit: int, format: str, **options):
        if not 1 <= limit <= 50:
            raise CommandError("--limit must be between 1 and 50")
        group = group_by_id(group_id)
        document = suggestions_document(group, day=as_of_day(as_of), limit=limit)
        if format == "json":
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False))
            return
        forecast = document["forecast"]
        lines = [
            f"{group.name}: send the whole group this set "
            f"(divergence {points(forecast['divergence_before'])} -> "
            f"{points(forecast['divergence_after'])} points of 100)"
        ]
        for number, s in enumerate(document["suggestions"], 1):
            mark = "*" if s["in_set"] else " "
            lines.append(
                f"{mark}{number:>2}. {s['title']} [{s['asset']}] score {points(s['score'])}"
            )
            lines += [f"      - {reason}" for reason in s["reasons"]]
        lines += [f"! {w}" for w in document["warnings"]]
        self.stdout.write("\n".join(lines))

import json

from django.core.management.base import BaseCommand, CommandError

from planner.management.arguments import as_of_day, group_by_id
from scoring.analysis import analyze, end_of_day
from suggestions.suggesting import group_plan


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
        day = as_of_day(as_of)
        analysis = analyze(group, as_of=end_of_day(day))
        plan = group_plan(group, analysis=analysis, top=limit)
        chosen = {s.asset for s in plan.suggestions}
        ordered = list(plan.suggestions) + [s for s in plan.ranked if s.asset not in chosen]
        document = {
            "group": {"id": group.pk, "name": group.name},
            "as_of": day.isoformat(),
            "forecast": {
                "divergence_before": round(plan.divergence_before, 4),
                "divergence_after": round(plan.divergence_after, 4),
                "readiness_before": plan.readiness_before,
                "readiness_after": plan.readiness_after,
            },
            "warnings": list(plan.warnings),
            "suggestions": [
                {
                    "asset": s.asset,
                    "title": s.title,
                    "score": round(s.score, 4),
                    "reasons": list(s.reasons),
                    "recipients": list(s.recipients),
                    "send_first": s.send_first,
                    "in_set": s.asset in chosen,
                }
                for s in ordered[:limit]
            ],
        }
        if format == "json":
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False))
            return
        lines = [
            f"{group.name}: send the whole group this set "
            f"(divergence {plan.divergence_before:.2f} -> {plan.divergence_after:.2f})"
        ]
        for number, s in enumerate(document["suggestions"], 1):
            mark = "*" if s["in_set"] else " "
            lines.append(f"{mark}{number:>2}. {s['title']} [{s['asset']}] score {s['score']:.2f}")
            lines += [f"      - {reason}" for reason in s["reasons"]]
        lines += [f"! {w}" for w in plan.warnings]
        self.stdout.write("\n".join(lines))

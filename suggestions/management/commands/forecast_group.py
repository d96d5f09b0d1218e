import json

from django.core.management.base import BaseCommand, CommandError

from content.models import Asset
from planner.management.arguments import as_of_day, group_by_id
from scoring.analysis import end_of_day
from scoring.core.scale import points
from suggestions.forecasting import MAX_WEEKS, WEEKS, ForecastError, group_forecast


class Command(BaseCommand):
    help = (
        "Forecast the group's divergence week by week as its members talk (Friedkin-Johnsen "
        "social influence), with or without a planned send, and the best first recipient."
    )

    def add_arguments(self, parser):
        parser.add_argument("group_id", type=int)
        parser.add_argument("--as-of", help="YYYY-MM-DD: forecast from the end of that day")
        parser.add_argument(
            "--weeks", type=int, default=WEEKS, help=f"how many weeks ahead (default {WEEKS})"
        )
        parser.add_argument("--send", metavar="ASSET_SLUG", help="an asset sent at week 0")
        parser.add_argument(
            "--to", metavar="EMAIL[,EMAIL...]|all", help="who gets --send (default all)"
        )
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, group_id, as_of, weeks, send, to, format, **options):
        if not 0 <= weeks <= MAX_WEEKS:
            raise CommandError(f"--weeks must be between 0 and {MAX_WEEKS}")
        if to is not None and not send:
            raise CommandError("--to needs --send ASSET_SLUG")
        group = group_by_id(group_id)
        day = as_of_day(as_of)
        asset = None
        if send:
            asset = Asset.objects.filter(organization_id=group.organization_id, slug=send).first()
            if asset is None:
                raise CommandError(f"no asset {send!r} in this organization's library")
        recipients = None if to in (None, "all") else to.split(",")
        try:
            result = group_forecast(
                group, as_of=end_of_day(day), weeks=weeks, send=asset, to=recipients
            )
        except ForecastError as error:
            raise CommandError(str(error)) from error
        document = result.document()
        if format == "json":
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False))
            return
        self.stdout.write(self._text(document, result))

    def _text(self, doc: dict, result) -> str:
        plan = doc["plan"]
        lines = [
            f"{doc['group']['name']} (id {doc['group']['id']}), {doc['group']['members']} "
            f"members, as of {doc['as_of']}",
            "Plan: "
            + (f"send {plan['asset']} to {', '.join(plan['to'])}" if plan else "nothing sent"),
            "Scores in points from 0 to 100 (divergence: 0 = everyone heard the same story).",
            f"Now: divergence {points(doc['now']['divergence'])}, "
            f"readiness {doc['now']['readiness']}",
            f"After {doc['weeks']} weeks: divergence {points(doc['forecast']['divergence'])}, "
            f"readiness {doc['forecast']['readiness']} (settles near "
            f"{points(doc['forecast']['steady_state'])})",
            "Trajectory: "
            + " ".join(str(points(p["divergence"])) for p in doc["forecast"]["trajectory"]),
        ]
        if doc["first_recipients"]:
            lines.append(f"Best first recipients for {doc['first_recipients_asset']}:")
            lines += [
                f"  {r['email']:<40} divergence {points(r['divergence'])}"
                for r in doc["first_recipients"][:5]
            ]
        if not plan:
            lines.append(result.sentence())
        return "\n".join(lines)

import json

from django.core.management.base import BaseCommand

from planner.management.arguments import as_of_day, group_by_id
from scoring.analysis import analyze, end_of_day
from scoring.core.scale import percent as _percent
from scoring.core.scale import points as _points


class Command(BaseCommand):
    help = (
        "Analyse a buying group: divergence, readiness with reasons, friction, factions, "
        "brokers, common ground, missing roles. --as-of makes the result reproducible."
    )

    def add_arguments(self, parser):
        parser.add_argument("group_id", type=int)
        parser.add_argument("--as-of", help="YYYY-MM-DD: analyse the group as it was on that day")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, group_id: int, as_of: str | None, format: str, **options):
        group = group_by_id(group_id)
        day = as_of_day(as_of)
        document = analyze(group, as_of=end_of_day(day)).document()
        if format == "json":
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False))
            return
        self.stdout.write(self._text(document))

    def _text(self, doc: dict) -> str:
        """The report in words, every score on the pages' one scale: points from 0 to 100
        (the JSON document keeps 0..1)."""
        measured = any(member["exposure"] for member in doc["members"])
        divergence = (
            f"divergence {_points(doc['divergence'])} of 100"
            if measured
            else "divergence not measured yet (nobody has been reached)"
        )
        lines = [
            f"{doc['group']['name']} (id {doc['group']['id']}), {doc['group']['members']} members, "
            f"as of {doc['as_of']}",
            "Scores in points from 0 to 100 (divergence: 0 = everyone heard the same story).",
            f"Readiness {doc['readiness']['score']} of 100, {divergence}",
            *(f"  {f['effect']:+d}  {f['why']}" for f in doc["readiness"]["factors"]),
            f"Published baseline purchase likelihood: {doc['baseline_purchase_likelihood']:.0%}",
            "Missing roles: " + (", ".join(doc["missing_roles"]) or "none"),
            "Common ground: "
            + (
                ", ".join(f"{g['theme']} {_percent(g['coverage'])}" for g in doc["common_ground"])
                or "none yet"
            ),
            "Brokers: " + (", ".join(doc["brokers"]) or "none"),
            "Factions:",
        ]
        lines += [f"  - {', '.join(faction)}" for faction in doc["factions"]]
        if doc["friction"]:
            lines.append("Friction on relationships (points of 100):")
            lines += [f"  {f['a']} - {f['b']}: {_points(f['score'])}" for f in doc["friction"]]
        lines.append("Members (by centrality, points of 100):")
        for member in sorted(doc["members"], key=lambda m: -m["centrality"]):
            lines.append(
                f"  {member['email']:<40} {member['role']:<20} {_points(member['centrality'])}"
            )
        return "\n".join(lines)

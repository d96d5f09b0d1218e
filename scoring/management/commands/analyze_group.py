import json

from django.core.management.base import BaseCommand

from planner.management.arguments import as_of_day, group_by_id
from scoring.analysis import analyze, end_of_day


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
        lines = [
            f"{doc['group']['name']} (id {doc['group']['id']}), {doc['group']['members']} members, "
            f"as of {doc['as_of']}",
            f"Readiness {doc['readiness']['score']}/100, divergence {doc['divergence']:.2f}",
            *(f"  {f['effect']:+d}  {f['why']}" for f in doc["readiness"]["factors"]),
            f"Published baseline purchase likelihood: {doc['baseline_purchase_likelihood']:.0%}",
            "Missing roles: " + (", ".join(doc["missing_roles"]) or "none"),
            "Brokers: " + (", ".join(doc["brokers"]) or "none"),
            "Factions:",
        ]
        lines += [f"  - {', '.join(faction)}" for faction in doc["factions"]]
        lines.append("Members (by centrality):")
        for member in sorted(doc["members"], key=lambda m: -m["centrality"]):
            lines.append(f"  {member['email']:<40} {member['role']:<20} {member['centrality']:.2f}")
        return "\n".join(lines)

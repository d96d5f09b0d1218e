"""A group out of the app: stakeholders as CSV in the upload format (formula-safe), or the
whole group as JSON. Used by the browser download and `export_group`."""

from django.utils import timezone
from django.utils.text import slugify

from content.forms import format_theme_weights
from csvio.writer import write_csv
from planner.models import BuyingGroup, Relationship, Stakeholder

STAKEHOLDER_COLUMNS = (
    "email",
    "name",
    "title",
    "buying_role",
    "influence",
    "stance",
    "priorities",
    "outcome",
)


def filename(group: BuyingGroup, fmt: str) -> str:
    return f"{slugify(group.name) or 'group'}-{timezone.now():%Y%m%d}.{fmt}"


def _stakeholders(group: BuyingGroup) -> list[Stakeholder]:
    return list(Stakeholder.objects.filter(group=group).order_by("email"))


def stakeholders_csv(group: BuyingGroup) -> str:
    rows = [
        (
            s.email,
            s.name,
            s.title,
            s.role_label,
            s.influence,
            s.stance,
            format_theme_weights(s.priorities),
            s.outcome,
        )
        for s in _stakeholders(group)
    ]
    return write_csv(STAKEHOLDER_COLUMNS, rows)


def group_document(group: BuyingGroup) -> dict:
    people = _stakeholders(group)
    emails = {s.pk: s.email for s in people}
    ties = Relationship.objects.filter(group=group).order_by("pk")
    return {
        "group": {
            "id": group.pk,
            "name": group.name,
            "account": group.account,
            "opportunity_stage": group.opportunity_stage,
            "expected_close": group.expected_close.isoformat() if group.expected_close else None,
            "owner": group.owner.email if group.owner else None,
            "archived": group.archived,
            "notes": group.notes,
        },
        "stakeholders": [
            {
                "email": s.email,
                "name": s.name,
                "title": s.title,
                "buying_role": s.role_label,
                "influence": s.influence,
                "stance": s.stance,
                "priorities": s.priorities,
                "outcome": s.outcome,
                "consent": s.consent,
                "notes": s.notes,
            }
            for s in people
        ],
        "relationships": sorted(
            (
                {
                    "source_email": emails[t.source_id],
                    "target_email": emails[t.target_id],
                    "kind": t.kind,
                    "strength": t.strength,
                }
                for t in ties
            ),
            key=lambda t: (t["source_email"], t["target_email"], t["kind"]),
        ),
    }

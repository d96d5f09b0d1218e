"""Lists of people, relationships and touches sent to the API go through the CSV import's
own checks and writes (`planner.importing`): each list becomes a table whose "lines" are
the items' positions, so the same rules apply, a problem names the item and the field,
rows are matched the same way (so sending a list twice changes nothing the second time),
and a list with any bad item writes nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction

from accounts.models import Organization
from api.errors import ApiError
from content.importing import asset_import_apply, asset_import_plan_table
from csvio.reader import table_from_records
from planner.importing import ImportPlan, import_apply, plan_tables
from planner.models import BuyingGroup, Stakeholder

PEOPLE_FIELDS = (
    "email", "name", "title", "buying_role", "influence", "stance", "priorities", "outcome"
)  # fmt: skip
RELATIONSHIP_FIELDS = ("source_email", "target_email", "kind", "strength")
TOUCH_FIELDS = ("email", "occurred_at", "channel", "asset", "themes")


@dataclass(frozen=True)
class Outcome:
    created: int
    updated: int
    unchanged: int

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def weights_text(weights: Mapping[str, float] | None) -> str:
    """{"security": 2} -> "security:2", the import's own notation."""
    return ";".join(f"{slug}:{weight!r}" for slug, weight in (weights or {}).items())


def _cells(item: Mapping[str, object]) -> dict[str, str]:
    cells = {}
    for name, value in item.items():
        if value is None:
            continue
        if isinstance(value, Mapping):
            cells[name] = weights_text(value)
        elif hasattr(value, "isoformat"):
            cells[name] = value.isoformat()
        else:
            cells[name] = str(value)
    return cells


def _headers(all_fields: Sequence[str], items: Sequence[Mapping[str, object]], required):
    """The fields any item sent (plus the required ones): a field no item mentions is
    left alone on people who are already there, as a column missing from a file is."""
    sent = {name for item in items for name, value in item.items() if value is not None}
    return [name for name in all_fields if name in sent or name in required]


def _raise_problems(plan) -> None:
    errors = [
        {
            "field": problem.problem.column,
            "item": problem.problem.line if (problem.problem.line or 0) >= 0 else None,
            "message": problem.problem.message,
        }
        for problem in plan.problems
    ]
    first = plan.problems[0].problem
    where = f"item {first.line}, {first.column}: " if first.line is not None else ""
    raise ApiError(422, f"Nothing was saved: {where}{first.message}.", errors)


def _outcome(actions) -> Outcome:
    return Outcome(
        created=sum(1 for a in actions if a.action == "create"),
        updated=sum(1 for a in actions if a.action == "update"),
        unchanged=sum(1 for a in actions if a.action == "unchanged"),
    )


@transaction.atomic
def _run(group: BuyingGroup, kind: str, fields, required, items) -> ImportPlan:
    records = [_cells(item) for item in items]
    table = table_from_records(_headers(fields, records, required), records)
    plan = plan_tables(group=group, **{kind: table})
    if not plan.ok:
        _raise_problems(plan)
    import_apply(group=group, plan=plan)
    return plan


def _person_cells(person: Stakeholder) -> dict[str, object]:
    return {
        "name": person.name,
        "title": person.title,
        "buying_role": person.buying_role,
        "influence": person.influence,
        "stance": person.stance,
        "priorities": person.priorities or {},
        "outcome": person.outcome,
    }


@transaction.atomic
def people_upsert(*, group: BuyingGroup, items: Sequence[Mapping[str, object]]) -> Outcome:
    """A field an item leaves out keeps the person's current value (or the default, for
    someone new), whatever the other items of the call send."""
    emails = {str(item.get("email", "")).strip().lower() for item in items}
    known = {p.email: p for p in Stakeholder.objects.filter(group=group, email__in=emails)}
    merged = []
    for item in items:
        person = known.get(str(item.get("email", "")).strip().lower())
        current = _person_cells(person) if person else {}
        merged.append({**current, **{k: v for k, v in item.items() if v is not None}})
    plan = _run(group, "stakeholders", PEOPLE_FIELDS, ("email",), merged)
    return _outcome(plan.stakeholder_actions)


@transaction.atomic
def relationships_upsert(*, group: BuyingGroup, items: Sequence[Mapping[str, object]]) -> Outcome:
    plan = _run(
        group, "relationships", RELATIONSHIP_FIELDS, ("source_email", "target_email", "kind"), items
    )
    return _outcome(plan.relationship_actions)


@transaction.atomic
def touches_add(*, group: BuyingGroup, items: Sequence[Mapping[str, object]]) -> Outcome:
    plan = _run(group, "touches", TOUCH_FIELDS, ("email", "occurred_at"), items)
    return _outcome(plan.touch_actions)


ASSET_FIELDS = ("slug", "title", "kind", "framing", "level", "stage", "themes", "url", "summary")


@transaction.atomic
def assets_upsert(*, organization: Organization, items: Sequence[Mapping[str, object]]) -> Outcome:
    """Assets by slug, through the content library import's checks and writes."""
    records = [_cells(item) for item in items]
    required = ("slug", "title", "kind", "framing", "level", "stage")
    table = table_from_records(_headers(ASSET_FIELDS, records, required), records)
    plan = asset_import_plan_table(organization=organization, table=table)
    if not plan.ok:
        _raise_problems(plan)
    asset_import_apply(organization=organization, plan=plan)
    return _outcome(plan.actions)

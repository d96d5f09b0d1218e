"""Stakeholder and relationship CSV imports: preview first, then all or nothing.

`import_plan` reads and validates both files whole and works out, row by row, what would be
created, updated or left unchanged; it writes nothing. `import_apply` writes a plan that
has no problems in one transaction. People are matched by email within the group and
relationships by (source, target, kind), so importing the same files twice changes
nothing the second time. Columns a file does not have (a HubSpot export has no influence
or stance) never overwrite what is already known about a person.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from content.models import Asset
from content.services import themes_ensure
from csvio.errors import CsvFileError, FileProblem, Problem, RowAction
from csvio.reader import read_table
from planner.csv_schemas import parse_relationships, parse_stakeholders, parse_touches
from planner.models import BuyingGroup, Relationship, RelationshipKind, Stakeholder, Touch
from planner.signals import group_changed

# A touches export of 50,000 rows (about 80 bytes each) fits with room to spare.
MAX_BYTES = 20_000_000
MAX_ROWS = 50_000
_BATCH = 2_000  # rows per INSERT

UPDATABLE = ("name", "title", "buying_role", "influence", "stance", "priorities", "outcome")


@dataclass
class ImportPlan:
    stakeholder_rows: list = field(default_factory=list)
    relationship_rows: list = field(default_factory=list)
    stakeholder_fields: frozenset[str] = frozenset()
    stakeholder_actions: list[RowAction] = field(default_factory=list)
    relationship_actions: list[RowAction] = field(default_factory=list)
    touch_rows: list = field(default_factory=list)
    touch_actions: list[RowAction] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    warnings: list[FileProblem] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, action: str) -> int:
        actions = self.stakeholder_actions + self.relationship_actions + self.touch_actions
        return sum(1 for a in actions if a.action == action)

    @property
    def changes_anything(self) -> bool:
        return self.count("create") + self.count("update") > 0

    def summary(self) -> str:
        people = _tally(self.stakeholder_actions)
        ties = _tally(self.relationship_actions)
        text = f"people: {people}; relationships: {ties}"
        if self.touch_rows:
            text += f"; touches: {_tally(self.touch_actions)}"
        return text


def _tally(actions: list[RowAction]) -> str:
    parts = [
        f"{sum(1 for a in actions if a.action == kind)} {word}"
        for kind, word in (("create", "new"), ("update", "updated"), ("unchanged", "unchanged"))
    ]
    return ", ".join(parts)


def _value(row, name: str):
    value = getattr(row, name)
    return dict(value) if name == "priorities" else value


def _table(data: bytes | None, name: str, plan: ImportPlan):
    if data is None:
        return None
    try:
        return read_table(data, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    except CsvFileError as error:
        plan.problems.append(FileProblem(name, Problem(line=None, column=None, message=str(error))))
        return None


def import_plan(
    *,
    group: BuyingGroup,
    stakeholders: bytes | None = None,
    relationships: bytes | None = None,
    stakeholders_name: str = "stakeholders.csv",
    relationships_name: str = "relationships.csv",
    touches: bytes | None = None,
    touches_name: str = "touches.csv",
) -> ImportPlan:
    plan = ImportPlan()
    existing = {s.email: s for s in Stakeholder.objects.filter(group=group)}
    people_table = _table(stakeholders, stakeholders_name, plan)
    ties_table = _table(relationships, relationships_name, plan)
    touches_table = _table(touches, touches_name, plan)
    if people_table is not None:
        parsed = parse_stakeholders(people_table)
        plan.formats[stakeholders_name] = parsed.format
        plan.problems += [FileProblem(stakeholders_name, p) for p in parsed.problems]
        plan.warnings += [FileProblem(stakeholders_name, p) for p in parsed.warnings]
        plan.stakeholder_rows = list(parsed.rows)
        plan.stakeholder_fields = frozenset(parsed.columns)
    known = set(existing) | {row.email for row in plan.stakeholder_rows}
    if ties_table is not None:
        parsed = parse_relationships(ties_table, known_emails=known)
        plan.problems += [FileProblem(relationships_name, p) for p in parsed.problems]
        plan.warnings += [FileProblem(relationships_name, p) for p in parsed.warnings]
        plan.relationship_rows = list(parsed.rows)
    if touches_table is not None:
        assets = {
            slug.lower()
            for slug in Asset.objects.filter(organization_id=group.organization_id).values_list(
                "slug", flat=True
            )
        }
        parsed = parse_touches(touches_table, known_emails=known, known_assets=assets)
        plan.problems += [FileProblem(touches_name, p) for p in parsed.problems]
        soon = timezone.now() + timedelta(minutes=5)
        plan.problems += [
            FileProblem(
                touches_name,
                Problem(
                    row.line, "occurred_at", "is in the future: log touches once they happened"
                ),
            )
            for row in parsed.rows
            if row.occurred_at > soon
        ]
        plan.warnings += [FileProblem(touches_name, p) for p in parsed.warnings]
        plan.touch_rows = list(parsed.rows)
    if not plan.ok:
        return plan
    existing_touches = set(
        Touch.objects.filter(group=group).values_list(
            "stakeholder__email", "occurred_at", "asset__slug"
        )
    )
    for row in plan.touch_rows:
        label = f"{row.asset_slug or ', '.join(row.themes) or 'message'} to {row.email}"
        seen = (row.email, row.occurred_at, row.asset_slug) in existing_touches
        plan.touch_actions.append(RowAction(row.line, "unchanged" if seen else "create", label))
    for row in plan.stakeholder_rows:
        person = existing.get(row.email)
        if person is None:
            plan.stakeholder_actions.append(RowAction(row.line, "create", row.email))
            continue
        changes = tuple(
            name
            for name in UPDATABLE
            if name in plan.stakeholder_fields and getattr(person, name) != _value(row, name)
        )
        plan.stakeholder_actions.append(
            RowAction(row.line, "update" if changes else "unchanged", row.email, changes)
        )
    existing_ties = {
        (r.source.email, r.target.email, r.kind): r
        for r in Relationship.objects.filter(group=group).select_related("source", "target")
    }
    for row in plan.relationship_rows:
        label = f"{row.source_email} {RelationshipKind(row.kind).label} {row.target_email}"
        tie = existing_ties.get((row.source_email, row.target_email, row.kind))
        if tie is None:
            plan.relationship_actions.append(RowAction(row.line, "create", label))
        elif tie.strength != row.strength:
            plan.relationship_actions.append(RowAction(row.line, "update", label, ("strength",)))
        else:
            plan.relationship_actions.append(RowAction(row.line, "unchanged", label))
    return plan


@transaction.atomic
def import_apply(*, group: BuyingGroup, plan: ImportPlan) -> ImportPlan:
    """Write a problem-free plan. Locks the group so two imports cannot interleave."""
    if not plan.ok:
        raise ValueError("refusing to import a plan with problems")
    BuyingGroup.objects.select_for_update().filter(pk=group.pk).first()
    themes_ensure(
        organization=group.organization,
        slugs={slug for row in plan.stakeholder_rows for slug in row.priorities},
    )
    existing = {s.email: s for s in Stakeholder.objects.filter(group=group)}
    creates, updates = [], []
    for row in plan.stakeholder_rows:
        person = existing.get(row.email)
        if person is None:
            person = Stakeholder(group=group, email=row.email)
            for name in UPDATABLE:
                setattr(person, name, _value(row, name))
            creates.append(person)
            existing[row.email] = person
        else:
            changed = False
            for name in UPDATABLE:
                if name in plan.stakeholder_fields and getattr(person, name) != _value(row, name):
                    setattr(person, name, _value(row, name))
                    changed = True
            if changed:
                person.updated_at = timezone.now()
                updates.append(person)
    Stakeholder.objects.bulk_create(creates, batch_size=_BATCH)
    if updates:
        Stakeholder.objects.bulk_update(updates, [*UPDATABLE, "updated_at"])
    ties = {(r.source_id, r.target_id, r.kind): r for r in Relationship.objects.filter(group=group)}
    new_ties, changed_ties = {}, {}
    for row in plan.relationship_rows:
        source, target = existing[row.source_email], existing[row.target_email]
        key = (source.pk, target.pk, row.kind)
        tie = ties.get(key) or new_ties.get(key)
        if tie is None:
            new_ties[key] = Relationship(
                group=group, source=source, target=target, kind=row.kind, strength=row.strength
            )
        elif tie.strength != row.strength:
            tie.strength = row.strength
            if tie.pk:
                changed_ties[key] = tie
    Relationship.objects.bulk_create(new_ties.values(), batch_size=_BATCH)
    if changed_ties:
        Relationship.objects.bulk_update(changed_ties.values(), ["strength"], batch_size=_BATCH)
    _apply_touches(group, plan, existing)
    if plan.changes_anything:
        group.save(update_fields=["updated_at"])
        group_changed.send(sender=BuyingGroup, group_id=group.pk, rescore=True)
    return plan


def _message_key(row) -> str:
    """Touches of one file with the same moment, channel, asset and themes are one message
    sent to several people (the tailoring index counts them as shared)."""
    parts = [row.occurred_at.isoformat(), row.channel, row.asset_slug or ""]
    parts += [f"{slug}:{weight}" for slug, weight in sorted(row.themes.items())]
    return "csv-" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def _apply_touches(group: BuyingGroup, plan: ImportPlan, people: dict[str, Stakeholder]) -> None:
    if not plan.touch_rows:
        return
    themes_ensure(
        organization=group.organization,
        slugs={slug for row in plan.touch_rows for slug in row.themes},
    )
    assets = {
        a.slug.lower(): a for a in Asset.objects.filter(organization_id=group.organization_id)
    }
    seen = set(
        Touch.objects.filter(group=group).values_list(
            "stakeholder__email", "occurred_at", "asset__slug"
        )
    )
    new = []
    for row in plan.touch_rows:
        key = (row.email, row.occurred_at, row.asset_slug)
        if key in seen:
            continue
        seen.add(key)
        new.append(
            Touch(
                group=group,
                stakeholder=people[row.email],
                occurred_at=row.occurred_at,
                channel=row.channel,
                asset=assets.get(row.asset_slug) if row.asset_slug else None,
                themes=dict(row.themes),
                message_key=_message_key(row),
            )
        )
    Touch.objects.bulk_create(new, batch_size=_BATCH)

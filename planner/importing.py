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
from csvio.reader import Table, read_table
from planner.csv_schemas import parse_relationships, parse_stakeholders, parse_touches
from planner.models import BuyingGroup, Relationship, RelationshipKind, Stakeholder, Touch
from planner.signals import group_changed, touches_created

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
    return plan_tables(
        group=group,
        plan=plan,
        stakeholders=_table(stakeholders, stakeholders_name, plan),
        relationships=_table(relationships, relationships_name, plan),
        touches=_table(touches, touches_name, plan),
        stakeholders_name=stakeholders_name,
        relationships_name=relationships_name,
        touches_name=touches_name,
    )


def plan_tables(
    *,
    group: BuyingGroup,
    plan: ImportPlan | None = None,
    stakeholders: Table | None = None,
    relationships: Table | None = None,
    touches: Table | None = None,
    stakeholders_name: str = "stakeholders",
    relationships_name: str = "relationships",
    touches_name: str = "touches",
) -> ImportPlan:
    """`import_plan` for tables already read (the API's JSON lists become tables), so an
    upload and an API call pass exactly the same checks and match rows the same way."""
    plan = plan or ImportPlan()
    existing = {s.email: s for s in Stakeholder.objects.filter(group=group)}
    people_table, ties_table, touches_table = stakeholders, relationships, touches
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
    existing_touches = _recorded_touches(group, plan.touch_rows)
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


class ImportOutdated(Exception):
    """The group's people or relationships changed since the preview: preview again."""

    message = (
        "The group changed since your preview: someone added, edited or removed people or "
        "relationships. Here is a fresh preview of the same files against the group as it "
        "is now: check it before importing."
    )


def group_state(group: BuyingGroup) -> str:
    """A fingerprint of what a preview is computed against: the group's people (who, and
    when each last changed) and relationships."""
    people = Stakeholder.objects.filter(group=group).order_by("pk")
    ties = Relationship.objects.filter(group=group).order_by("pk")
    parts = [
        f"s{pk}:{email}:{at.isoformat()}"
        for pk, email, at in people.values_list("pk", "email", "updated_at")
    ]
    parts += [f"r{pk}:{strength}" for pk, strength in ties.values_list("pk", "strength")]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


@transaction.atomic
def import_apply(
    *, group: BuyingGroup, plan: ImportPlan, expected_state: str | None = None
) -> ImportPlan:
    """Write a problem-free plan. Locks the group first (the order every write in a group
    follows: the group, then its people), so imports and deletes cannot interleave; then
    refuses, with ImportOutdated and nothing written, a plan whose group changed since the
    preview (`expected_state`, from `group_state`) or whose people are gone."""
    if not plan.ok:
        raise ValueError("refusing to import a plan with problems")
    BuyingGroup.objects.select_for_update().filter(pk=group.pk).first()
    if expected_state is not None and group_state(group) != expected_state:
        raise ImportOutdated
    themes_ensure(
        organization=group.organization,
        slugs={slug for row in plan.stakeholder_rows for slug in row.priorities},
    )
    existing = {s.email: s for s in Stakeholder.objects.filter(group=group)}
    named = {row.email for row in plan.stakeholder_rows}
    referenced = {r.source_email for r in plan.relationship_rows}
    referenced |= {r.target_email for r in plan.relationship_rows}
    referenced |= {r.email for r in plan.touch_rows}
    if referenced - named - set(existing):  # someone the preview found was removed since
        raise ImportOutdated
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
        # "Needs rescoring", durably and in this transaction (scoring drains it).
        BuyingGroup.objects.filter(pk=group.pk).update(rescore_requested_at=timezone.now())
        group_changed.send(sender=BuyingGroup, group_id=group.pk, rescore=True)
    return plan


def _recorded_touches(group: BuyingGroup, rows) -> set[tuple]:
    """(email, moment, asset slug) of the group's touches that rows could repeat: only those
    within the rows' time span are read, not the group's whole history."""
    if not rows:
        return set()
    moments = [row.occurred_at for row in rows]
    return set(
        Touch.objects.filter(
            group=group, occurred_at__gte=min(moments), occurred_at__lte=max(moments)
        ).values_list("stakeholder__email", "occurred_at", "asset__slug")
    )


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
    seen = _recorded_touches(group, plan.touch_rows)
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
    if new:
        Touch.objects.bulk_create(new, batch_size=_BATCH)
        touches_created.send(sender=Touch, group=group, touches=new)

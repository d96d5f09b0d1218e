"""The graph half of the scoring adapter: a group's people and ties, and what the pure
graph core makes of them.

`group_map` loads a group in a constant number of queries (stakeholders, relationships,
role template), builds the core's plain dataclasses, and calls it.

What the graph core makes of the people and ties (and the people and ties as it takes
them) is remembered for the last few maps this process analysed (`_analysed`): most writes
(a touch, a send) bump the group's version but leave its people and ties as they were, so
the next analysis finds them analysed. The core is pure and its frozen results are shared
read-only, so a remembered result is the result.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from functools import cached_property, lru_cache
from types import MappingProxyType

from django.db import router
from django.db.models import TextField
from django.db.models.functions import Cast

from accounts.prepared_queries import UNUSED_ID, Prepared
from planner.buying_roles import ROLE_LABELS
from planner.models import BuyingGroup, PlannerSettings, Relationship, Stakeholder
from planner.selectors import planner_settings
from scoring import model_rows
from scoring.core.baseline import baseline_note, baseline_purchase_likelihood
from scoring.core.graph import (
    GraphInsights,
    Person,
    RoleCoverage,
    Tie,
    analyze_graph,
    missing_roles,
)
from scoring.core.narrative import Sentence, describe

# Maps whose graph insights a process remembers (with their people and ties: under 1 MB
# each at 500 members).
INSIGHTS_REMEMBERED = 16
# A map's rows are read without their timestamps: nothing that reads a map (the cores,
# pages, kits, the API) shows them, and a datetime costs more to read than any other column.
UNREAD_TIMESTAMPS = ("created_at", "updated_at")
# What is read of a row, in the model's order (as `Model.from_db` takes them).
PERSON_COLUMNS = tuple(
    f.attname for f in Stakeholder._meta.concrete_fields if f.attname not in UNREAD_TIMESTAMPS
)
TIE_COLUMNS = tuple(
    f.attname for f in Relationship._meta.concrete_fields if f.attname not in UNREAD_TIMESTAMPS
)


@dataclass(frozen=True)
class GroupMap:
    group: BuyingGroup
    stakeholders: tuple[Stakeholder, ...]
    relationships: tuple[Relationship, ...]
    insights: GraphInsights
    coverage: RoleCoverage
    missing_labels: tuple[str, ...]
    required_labels: tuple[str, ...]
    baseline: float
    baseline_note: str
    sentences: tuple[Sentence, ...]
    # The people and ties as the pure cores take them (`_analysed`), built once.
    people: tuple[Person, ...] = ()
    ties: tuple[Tie, ...] = ()

    @cached_property  # asked for on every view of a group page
    def by_email(self) -> Mapping[str, Stakeholder]:
        """The people by email, read-only."""
        return MappingProxyType({s.email: s for s in self.stakeholders})

    def with_group(self, group: BuyingGroup) -> GroupMap:
        """The same map holding the caller's row of its group (as a cached map is handed
        out on every view), sharing its people by email (worked out once, on this map)."""
        copy = replace(self, group=group)
        copy.__dict__["by_email"] = self.by_email
        return copy

    @property
    def brokers(self) -> list[Stakeholder]:
        people = self.by_email
        return [people[key] for key in self.insights.brokers if key in people]


def reduce_map(data: GroupMap) -> tuple:
    """How the analysis cache pickles a map (`scoring.cached`, its one pickler): with its
    rows, and its ties, packed as plain values when they are plain rows
    (`scoring.model_rows`), a third smaller than row by row."""
    values = {f.name: getattr(data, f.name) for f in fields(data)}
    packed = model_rows.pack(data.stakeholders, data.relationships)
    if packed is not None:
        values["stakeholders"] = values["relationships"] = None
    ties = model_rows.pack_frozen(data.ties, Tie)
    if ties is not None:
        values["ties"] = None
    return _unpickled_map, (values, packed, ties)


def _unpickled_map(
    values: dict, packed: model_rows.Packed | None, ties: list | None = None
) -> GroupMap:
    if packed is not None:
        values["stakeholders"], values["relationships"] = model_rows.unpack(packed)
    if ties is not None:
        values["ties"] = model_rows.unpack_frozen(ties, Tie)
    return GroupMap(**values)


def _analysed(
    stakeholders: list[Stakeholder], relationships: list[Relationship]
) -> tuple[tuple[Person, ...], tuple[Tie, ...], GraphInsights]:
    """The rows' people and ties as the pure cores take them (a Person per stakeholder, a
    Tie per relationship between two of them) and what `analyze_graph` makes of them,
    remembered by the values they are made of (in the order given)."""
    people = tuple((s.pk, s.email, s.influence, s.role_label, s.stance) for s in stakeholders)
    ties = tuple((r.source_id, r.target_id, r.kind, r.strength) for r in relationships)
    return _remembered(people, ties)


@lru_cache(maxsize=INSIGHTS_REMEMBERED)
def _remembered(people: tuple[tuple, ...], ties: tuple[tuple, ...]):
    """`_analysed` of rows with these values: people (pk, email, influence, role label,
    stance) and ties (source id, target id, kind, strength). The results are frozen and
    shared read-only: a remembered result is the result."""
    emails = {pk: email for pk, email, _, _, _ in people}
    found = tuple(
        Person(key=email, influence=influence, role=role, stance=stance)
        for _, email, influence, role, stance in people
    )
    links = tuple(
        Tie(source=emails[source], target=emails[target], kind=kind, strength=strength)
        for source, target, kind, strength in ties
        if source in emails and target in emails
    )
    return found, links, analyze_graph(found, links)


def _rows(group: BuyingGroup) -> tuple[list[Stakeholder], list[Relationship]]:
    """The group's stakeholders (by name, email) and relationships (by pk), as listing
    their querysets (the timestamps deferred) makes them: read as values with queries
    compiled once (`accounts.prepared_queries.Prepared`) and made into rows by
    `scoring.model_rows`, in half the time."""
    db = router.db_for_read(Stakeholder)
    people = [
        (*row[:_PRIORITIES], _json_value(row[_PRIORITIES]), *row[_PRIORITIES + 1 :])
        for row in _PEOPLE.rows(db, group.pk)
    ]
    stakeholders = model_rows.made(Stakeholder, db, PERSON_COLUMNS, people)
    db = router.db_for_read(Relationship)
    return stakeholders, model_rows.made(Relationship, db, TIE_COLUMNS, _TIES.rows(db, group.pk))


def _json_value(text: str | None):
    """A JSON column read as text, as Django's JSONField reads it (`from_db_value`)."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _group_people(group_id: int):
    people = Stakeholder.objects.filter(group_id=group_id).order_by("name", "email")
    return people.annotate(_priorities=Cast("priorities", TextField())).values_list(*_PERSON_READ)


def _group_ties(group_id: int):
    return Relationship.objects.filter(group_id=group_id).order_by("pk").values_list(*TIE_COLUMNS)


# A stakeholder's columns as read: the priorities as JSON text (decoded by `_json_value`).
_PERSON_READ = tuple("_priorities" if c == "priorities" else c for c in PERSON_COLUMNS)
_PRIORITIES = PERSON_COLUMNS.index("priorities")
# The queries, compiled once per database; a group id no call passes stands for the group's.
_PEOPLE = Prepared(_group_people, _PERSON_READ, sentinels=(UNUSED_ID,))
_TIES = Prepared(_group_ties, TIE_COLUMNS, sentinels=(UNUSED_ID,))


def group_map(
    group: BuyingGroup,
    *,
    settings: PlannerSettings | None = None,
    rows: tuple[list[Stakeholder], list[Relationship]] | None = None,
) -> GroupMap:
    """`rows`: the group's stakeholders (by name, email) and relationships (by pk), when
    already read (`scoring.batch_analysis`); they are the map's own from then on."""
    if rows is None:
        stakeholders, relationships = _rows(group)
    else:
        stakeholders, relationships = rows
    by_pk = {s.pk: s for s in stakeholders}
    # Attach the people without another query (what `relationship.source = person` does
    # when the id is already that person's, without its checks: a tenth of the time).
    source, target = Relationship.source.field, Relationship.target.field
    for relationship in relationships:
        source.set_cached_value(relationship, by_pk[relationship.source_id])
        target.set_cached_value(relationship, by_pk[relationship.target_id])
    people, ties, insights = _analysed(stakeholders, relationships)
    required = list((settings or planner_settings(group.organization)).required_roles)
    coverage = missing_roles({s.buying_role for s in stakeholders}, required)
    missing_labels = tuple(ROLE_LABELS.get(role, role) for role in coverage.missing)
    names = {s.email: s.name or s.email for s in stakeholders}
    label = {s.pk: names[s.email].lower() for s in stakeholders}
    relationships.sort(key=lambda r: (label[r.source_id], r.kind, label[r.target_id]))
    return GroupMap(
        group=group,
        stakeholders=tuple(stakeholders),
        relationships=tuple(relationships),
        insights=insights,
        coverage=coverage,
        missing_labels=missing_labels,
        required_labels=tuple(ROLE_LABELS.get(role, role) for role in required),
        baseline=baseline_purchase_likelihood(len(stakeholders)),
        baseline_note=baseline_note(len(stakeholders)),
        sentences=describe(
            insights, coverage, names=names, size=len(stakeholders), missing_labels=missing_labels
        ),
        people=people,
        ties=ties,
    )

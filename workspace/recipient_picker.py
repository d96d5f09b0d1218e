"""The recipient picker of "Log a touch": everyone in the group, with search and "select
by role" / "select by faction" buttons, light enough for a group of 500.

A small group (planner.forms.LIST_EVERYONE_UP_TO or fewer) gets its checkboxes in the page;
a bigger one a plain multi-select (one short <option> per person) that static/js/picker.js
turns into a searchable checkbox list. Each role and faction button carries the ids of its
people once, so "select all Champions" costs a few bytes per person, not a copy of the
list. Without JavaScript the search box and the buttons are a GET form to the touch page,
which answers with those people ticked (`Picker.initial`) or only the people found shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from django.urls import reverse

from planner import people_search
from planner.buying_roles import ROLE_CHOICES, role_label
from planner.forms import LIST_EVERYONE_UP_TO
from planner.models import Stakeholder
from scoring.group_map import GroupMap
from workspace.escaping import EscapedOnce

FIND_FORM = "recipient-find"  # the id of the GET form the picker's tools belong to
FACTIONS_SHOWN = 8  # the biggest factions get a button; the rest are counted
SEARCH_FROM = 13  # a group this big gets a search box; a smaller one is read at a glance


@dataclass(frozen=True)
class PickPerson:
    pk: int
    label: str  # "Name (Role)"
    email: str


class PickPeople(EscapedOnce):
    """The people a picker lists (`PickPerson`s), which keep their texts escaped for HTML
    with the picker, cached per version of the group (a group of 500 writes 500 names and
    emails on every view of its page)."""


@dataclass(frozen=True)
class PickSet:
    """A role or faction: what its button says and whom it selects."""

    value: str  # the role value, or the faction's number (1 = the biggest)
    label: str
    ids: tuple[int, ...]

    @cached_property  # written on every view of a page (a picker is cached)
    def id_list(self) -> str:
        return " ".join(map(str, self.ids))


@dataclass(frozen=True)
class Picker:
    people: PickPeople  # the people listed (all, or those found)
    size: int  # everyone in the group
    roles: tuple[PickSet, ...]
    factions: tuple[PickSet, ...]
    factions_hidden: int  # factions of two or more without a button
    find_url: str
    query: str = ""
    checkboxes: bool = True  # False: a multi-select that the script makes searchable
    find_form: str = FIND_FORM

    @property
    def found(self) -> bool:
        return bool(self.query)

    @property
    def searchable(self) -> bool:
        return self.size >= SEARCH_FROM or self.found


class PickerInputError(ValueError):
    """A role, faction or search the picker cannot use; the message says why."""


def build(group, data: GroupMap, *, query: str = "", keep: Sequence[int] = ()) -> Picker:
    """The picker for `group` from its analysed map. `query` lists only the people it
    finds (and those in `keep`, already ticked), as the no-JavaScript search does."""
    people = list(data.stakeholders)
    shown = people
    query = people_search.clean_query(query)
    if query:
        found = {p.pk for p in people_search.matching(people, query)} | set(keep)
        shown = [p for p in people if p.pk in found]
    factions = _factions(people, data.insights.factions)
    return Picker(
        people=PickPeople(
            PickPerson(pk=p.pk, label=f"{p.name or p.email} ({p.role_label})", email=p.email)
            for p in shown
        ),
        size=len(people),
        roles=_roles(people),
        factions=factions[:FACTIONS_SHOWN],
        factions_hidden=max(0, len(factions) - FACTIONS_SHOWN),
        find_url=reverse("touch_add", args=[group.pk]),
        query=query,
        checkboxes=len(people) <= LIST_EVERYONE_UP_TO,
    )


def _roles(people: Sequence[Stakeholder]) -> tuple[PickSet, ...]:
    sets = []
    for value, label in ROLE_CHOICES:
        ids = tuple(p.pk for p in people if p.buying_role == value)
        if ids:
            sets.append(PickSet(value=value, label=label, ids=ids))
    return tuple(sets)


def _factions(people: Sequence[Stakeholder], factions) -> tuple[PickSet, ...]:
    """Factions of two or more people, biggest first, each named after its most
    influential member ("Faction of Ana Ruiz")."""
    by_email = {p.email: p for p in people}
    sets = []
    for members in factions:
        found = [by_email[email] for email in members if email in by_email]
        if len(found) < 2:
            continue
        lead = people_search.by_influence(found)[0]
        sets.append(
            PickSet(
                value=str(len(sets) + 1),
                label=f"Faction of {lead.name or lead.email}",
                ids=tuple(p.pk for p in found),
            )
        )
    return tuple(sets)


def initial_ids(picker: Picker, *, role: str = "", faction: str = "") -> list[int]:
    """The people a "select by role" or "select by faction" GET asks to tick."""
    if role:
        if role not in dict(ROLE_CHOICES):
            raise PickerInputError(f"“{role[:40]}” is not a buying role.")
        chosen = next((s for s in picker.roles if s.value == role), None)
        if chosen is None:
            raise PickerInputError(f"Nobody in this group is a {role_label(role)}.")
        return list(chosen.ids)
    if faction:
        chosen = next((s for s in picker.factions if s.value == faction), None)
        if chosen is None:
            raise PickerInputError(
                f"There is no faction “{faction[:20]}” in this group: "
                "pick one of the faction buttons."
            )
        return list(chosen.ids)
    return []

"""The group page's "missing information" panel: who lacks a buying role, a stance or
priorities, and which required roles nobody holds. CRM exports often leave these empty,
and every score that depends on them is then a guess."""

from __future__ import annotations

from dataclasses import dataclass

from planner.buying_roles import role_label
from planner.models import Stakeholder, Stance
from scoring.group_map import GroupMap


@dataclass(frozen=True)
class PersonGap:
    person: Stakeholder
    lacks: tuple[str, ...]  # "buying role", "stance", "priorities"


@dataclass(frozen=True)
class RoleGap:
    role: str  # a buying_roles value
    label: str


@dataclass(frozen=True)
class MissingInfo:
    people: tuple[PersonGap, ...]
    roles: tuple[RoleGap, ...]

    def __bool__(self) -> bool:
        return bool(self.people or self.roles)


def missing_information(data: GroupMap) -> MissingInfo:
    people = []
    for person in data.stakeholders:
        lacks = []
        if not person.buying_role or person.buying_role == "other":
            lacks.append("buying role")
        if person.stance == Stance.UNKNOWN:
            lacks.append("stance")
        if not person.priorities:
            lacks.append("priorities")
        if lacks:
            people.append(PersonGap(person=person, lacks=tuple(lacks)))
    roles = tuple(RoleGap(role=r, label=role_label(r)) for r in data.coverage.missing)
    return MissingInfo(people=tuple(people), roles=roles)

"""The rows of the group page's lists (people, relationships, latest touches) as plain
display values, worked out once in Python for each row.

The template engine pays for every lookup, filter and number it draws: a row that reads
`person.name|default:person.email`, `person.get_stance_display` and a priority's theme
name through a filter costs ten times what the same row costs when each value is already
the text it shows. These rows hold that text, never HTML: the templates draw and escape
it as they drew the model's fields (tests/workspace/test_group_page_rows.py compares).
Numbers are kept as text too (an `int` goes through localization on its way out).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.template.defaultfilters import date as date_filter
from django.utils.timezone import template_localtime

from content.theme_labels import theme_label
from planner.models import Relationship, RelationshipKind, Stakeholder, Stance, Touch

STANCE_LABELS = dict(Stance.choices)
KIND_LABELS = dict(RelationshipKind.choices)
TOUCH_WHEN = "j M Y, H:i"  # a touch's time, as the `date` filter writes it


@dataclass(frozen=True, slots=True)
class PersonRow:
    """A person of the People table (the group page's and the People page's)."""

    pk: int
    name: str  # the name, or the email: how the page names the person
    broker: bool
    consent: bool
    subtitle: str  # the job title, or the email
    role: str
    influence: str  # "1".."5"
    stance: str  # the stored value (a CSS class)
    stance_label: str
    chips: tuple[str, ...]  # the names of the themes they care about
    outcome: str  # what they are measured on, or "—"


@dataclass(frozen=True, slots=True)
class TieRow:
    """A relationship of the group page's list."""

    pk: int
    source: str
    kind: str  # the stored value (a CSS class)
    kind_label: str
    target: str
    strength: str
    text: str  # "A reports to B", as `str(relationship)`


@dataclass(frozen=True, slots=True)
class TouchRow:
    """One of the latest touches of the group page."""

    pk: int
    title: str  # the asset's title, or "Message"
    person_pk: int
    person: str
    when: str  # "4 Mar 2025, 09:30" in the current time zone
    channel: str
    themes: tuple[str, ...]  # theme names


def _shown(person: Stakeholder) -> str:
    return person.name or person.email


def _number(value) -> str:
    return str(value) if type(value) is int else value


def person_rows(
    people: Iterable[Stakeholder], *, brokers: Iterable[str], theme_names: Mapping[str, str]
) -> list[PersonRow]:
    brokers = frozenset(brokers)
    names = theme_names or {}
    return [
        PersonRow(
            pk=p.pk,
            name=p.name or p.email,
            broker=p.email in brokers,
            consent=bool(p.consent),
            subtitle=p.title or p.email,
            role=p.role_label,
            influence=_number(p.influence),
            stance=p.stance,
            stance_label=STANCE_LABELS.get(p.stance, p.stance),
            chips=tuple(theme_label(slug, names) for slug in p.priorities),
            outcome=p.outcome or "—",
        )
        for p in people
    ]


def tie_rows(ties: Iterable[Relationship]) -> list[TieRow]:
    rows = []
    for tie in ties:
        source, target = _shown(tie.source), _shown(tie.target)
        label = KIND_LABELS.get(tie.kind, tie.kind)
        rows.append(
            TieRow(
                pk=tie.pk,
                source=source,
                kind=tie.kind,
                kind_label=label,
                target=target,
                strength=_number(tie.strength),
                text=f"{source} {label} {target}",
            )
        )
    return rows


def touch_rows(touches: Iterable[Touch], *, theme_names: Mapping[str, str]) -> list[TouchRow]:
    names = theme_names or {}
    return [
        TouchRow(
            pk=t.pk,
            title=t.asset.title if t.asset else "Message",
            person_pk=t.stakeholder_id,
            person=_shown(t.stakeholder),
            when=date_filter(template_localtime(t.occurred_at), TOUCH_WHEN),
            channel=t.channel,
            themes=tuple(theme_label(slug, names) for slug in t.themes),
        )
        for t in touches
    ]

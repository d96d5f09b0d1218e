"""The rows of the group page's lists (people, relationships, latest touches) as plain
display values, worked out once in Python for each row: the text each cell shows and
the URLs its buttons go to. `workspace.templatetags.group_rows` writes them out.

The template engine pays for every lookup, filter and number it draws: a row that reads
`person.name|default:person.email`, `person.get_stance_display`, a theme's name through a
filter and two `{% url %}`s costs ten times what the same row costs when each value is
already the text it shows. These rows hold that text, never HTML; the lists of them
(`EscapedOnce`) also keep them escaped once written out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from urllib.parse import quote

from django.template.defaultfilters import date as date_filter
from django.urls import get_script_prefix, reverse
from django.utils.timezone import get_current_timezone_name, template_localtime
from django.utils.translation import get_language

from content.theme_labels import theme_label
from planner.models import Relationship, RelationshipKind, Stakeholder, Stance, Touch
from workspace.escaping import EscapedOnce
from workspace.missing_info import PersonGap

STANCE_LABELS = dict(Stance.choices)
KIND_LABELS = dict(RelationshipKind.choices)
TOUCH_WHEN = "j M Y, H:i"  # a touch's time, as the `date` filter writes it
STAND_IN = 7_306_194_825  # a row id no route of ours contains (as config.template_urls)


class RowUrls:
    """The URLs of a group's rows (`name` takes the group's id, then the row's): each name
    reversed once, with a stand-in for the row's id, then the id put in its place. That is
    what `reverse` says for an `<int:...>` path converter, whose text is the number; a
    name whose URL does not hold the stand-in exactly once is reversed row by row."""

    def __init__(self, group_pk: int):
        self.group_pk = group_pk
        self._pieces: dict[str, tuple[str, ...]] = {}

    def __call__(self, name: str, pk: int) -> str:
        pieces = self._pieces.get(name)
        if pieces is None:
            url = reverse(name, args=[self.group_pk, STAND_IN])
            pieces = self._pieces[name] = tuple(url.split(str(STAND_IN)))
        if len(pieces) != 2 or type(pk) is not int or pk < 0:
            return reverse(name, args=[self.group_pk, pk])
        return f"{pieces[0]}{pk}{pieces[1]}"


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
    timeline_url: str
    edit_url: str


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
    edit_url: str
    remove_url: str


@dataclass(frozen=True, slots=True)
class TouchRow:
    """One of the latest touches of the group page."""

    pk: int
    title: str  # the asset's title, or "Message"
    person: str
    person_url: str  # their timeline
    when: str  # "4 Mar 2025, 09:30" in the current time zone
    channel: str
    themes: tuple[str, ...]  # theme names
    remove_url: str


@dataclass(frozen=True, slots=True)
class GapRow:
    """A person of the group page's "missing information" panel."""

    pk: int
    name: str  # the name, or the email
    lacks: str  # "buying role, no stance": what they lack, joined as the panel says it
    edit_url: str


def variant() -> str:
    """What of the request the rows' text depends on, for a cache key: the script prefix
    their URLs start with, the language (month names) and the time zone (a touch's time),
    each quoted (no spaces in a cache key)."""
    return ":".join(
        quote(part, safe="")
        for part in (get_script_prefix(), get_language() or "", get_current_timezone_name())
    )


def _shown(person: Stakeholder) -> str:
    return person.name or person.email


def _number(value) -> str:
    """An int as `{{ value }}` writes it (no thousands separator is ever configured)."""
    return str(value) if type(value) is int else value


def person_rows(
    people: Iterable[Stakeholder],
    *,
    group_pk: int,
    brokers: Iterable[str],
    theme_names: Mapping[str, str] | None,
) -> EscapedOnce:
    brokers = frozenset(brokers)
    names = theme_names or {}
    url = RowUrls(group_pk)
    return EscapedOnce(
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
            timeline_url=url("stakeholder_timeline", p.pk),
            edit_url=url("stakeholder_edit", p.pk),
        )
        for p in people
    )


def gap_rows(gaps: Iterable[PersonGap], *, group_pk: int) -> list[GapRow]:
    url = RowUrls(group_pk)
    return [
        GapRow(
            pk=gap.person.pk,
            name=_shown(gap.person),
            lacks=", no ".join(gap.lacks),
            edit_url=url("stakeholder_edit", gap.person.pk),
        )
        for gap in gaps
    ]


def tie_rows(ties: Iterable[Relationship], *, group_pk: int) -> EscapedOnce:
    url = RowUrls(group_pk)
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
                edit_url=url("relationship_edit", tie.pk),
                remove_url=url("relationship_delete", tie.pk),
            )
        )
    return EscapedOnce(rows)


def touch_rows(
    touches: Iterable[Touch], *, group_pk: int, theme_names: Mapping[str, str] | None
) -> EscapedOnce:
    names = theme_names or {}
    url = RowUrls(group_pk)
    language = get_language()
    rows = []
    for touch in touches:
        asset = touch.asset
        rows.append(
            TouchRow(
                pk=touch.pk,
                title=asset.title if asset else "Message",
                person=_shown(touch.stakeholder),
                person_url=url("stakeholder_timeline", touch.stakeholder_id),
                when=_when(template_localtime(touch.occurred_at), language),
                channel=touch.channel,
                themes=tuple(theme_label(slug, names) for slug in touch.themes),
                remove_url=url("touch_delete", touch.pk),
            )
        )
    return EscapedOnce(rows)


def _when(local: datetime, language: str | None) -> str:
    """`{{ local|date:"j M Y, H:i" }}`: it reads only these five fields (and the language
    names the month), so each minute is written once per process."""
    return _minute(local.year, local.month, local.day, local.hour, local.minute, language)


@lru_cache(maxsize=4096)
def _minute(year: int, month: int, day: int, hour: int, minute: int, language) -> str:
    return date_filter(datetime(year, month, day, hour, minute), TOUCH_WHEN)

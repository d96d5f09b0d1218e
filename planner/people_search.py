"""Finding people in a buying group by what a marketer types: part of a name, an email,
a job title or a buying role; and resolving what was typed into one person.

Pure over stakeholders already loaded (a group page has them all): no query of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError

from planner.models import Stakeholder

QUERY_MAX = 100  # longer queries are cut: nobody types that much to find a person


def clean_query(text: str | None) -> str:
    """What was typed, trimmed, spaces collapsed, at most QUERY_MAX characters."""
    return " ".join((text or "").split())[:QUERY_MAX]


def _haystack(person: Stakeholder) -> str:
    return " ".join((person.name, person.email, person.title, person.role_label)).casefold()


def matching(people: Iterable[Stakeholder], query: str) -> list[Stakeholder]:
    """The people whose name, email, job title or buying role contain every word of
    `query` (case-insensitive, in any order); everyone for an empty query."""
    words = clean_query(query).casefold().split()
    return [p for p in people if all(word in _haystack(p) for word in words)]


def by_influence(people: Iterable[Stakeholder]) -> list[Stakeholder]:
    """Most influential first, then by name (or email): who a big group shows first."""
    return sorted(people, key=lambda p: (-p.influence, (p.name or p.email).casefold(), p.pk))


def resolve(people: Sequence[Stakeholder], typed: str) -> Stakeholder:
    """The one person `typed` names: their email, their exact name, or the only person
    whose name, email, title or role contains it. ValidationError says why otherwise."""
    text = clean_query(typed)
    if not text:
        raise ValidationError("Type a name or an email.", code="required")
    folded = text.casefold()
    for person in people:
        if person.email.casefold() == folded:
            return person
    named = [p for p in people if p.name and p.name.casefold() == folded]
    if len(named) == 1:
        return named[0]
    candidates = named or matching(people, text)
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise ValidationError(
            "Nobody in this group matches “%(text)s”: type their email or part of their name.",
            code="no_match",
            params={"text": text},
        )
    raise ValidationError(
        "%(count)s people match “%(text)s”: type the email of the one you mean.",
        code="ambiguous",
        params={"text": text, "count": len(candidates)},
    )

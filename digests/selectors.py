"""Reads for the weekly digest: what goes in it, per organization (who is due: `digests.due`).

The content is built from snapshots only (the scores the nightly rescoring stores), in a
constant number of queries per organization, plus one `top_suggestion` call per group at
risk (at most SUGGESTION_LIMIT). It is the same for every member of the organization, so
senders build it once per organization and reuse it.

Each section is made by one builder in SECTION_BUILDERS and rendered by the templates
`email/digest_section_<template>.txt|html`. A later section (kits built, kit links
viewed) is one more builder and one more pair of templates; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from accounts.models import Organization
from digests.due import digests_due as digests_due
from digests.scores import GroupScores, groups_phrase
from digests.scores import group_scores as group_scores
from digests.sections import (
    Section,
    drifting_section,
    forecast_drift_section,
    kits_section,
    missing_roles_section,
    readiness_fell_section,
    readiness_rose_section,
    suggestions_section,
)


@dataclass(frozen=True)
class DigestContent:
    organization: Organization
    as_of: datetime
    groups: int  # active groups with recent scores
    sections: tuple[Section, ...] = field(default=())

    @property
    def quiet(self) -> bool:
        """Nothing worth an email: no section has a line."""
        return not any(section.items for section in self.sections)

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    @property
    def headline(self) -> str:
        """A few words for the subject line."""
        counts = {s.key: len(s.items) + s.more for s in self.sections}
        drifting, fell, rose = (
            counts.get("drifting", 0),
            counts.get("readiness_fell", 0),
            counts.get("readiness_rose", 0),
        )
        parts = []
        if drifting:
            parts.append(f"{groups_phrase(drifting)} drifting apart")
        if fell:
            parts.append(f"readiness fell in {groups_phrase(fell)}")
        if rose:
            parts.append(f"{'rose' if fell else 'readiness rose'} in {groups_phrase(rose)}")
        if not parts and counts.get("forecast_drift"):
            parts.append(f"{groups_phrase(counts['forecast_drift'])} forecast to drift apart")
        if not parts and counts.get("missing_roles"):
            parts.append(f"{groups_phrase(counts['missing_roles'])} missing roles")
        if not parts and counts.get("suggestions"):
            parts.append(f"what to send to {groups_phrase(counts['suggestions'])} at risk")
        return ", ".join(parts) if parts else "a quiet week"


SECTION_BUILDERS: tuple[Callable[[list[GroupScores]], Section], ...] = (
    drifting_section,
    forecast_drift_section,
    readiness_fell_section,
    readiness_rose_section,
    suggestions_section,
    missing_roles_section,
)


def digest_content(organization: Organization, *, now: datetime | None = None) -> DigestContent:
    now = now or timezone.now()
    scores = group_scores(organization, now=now)
    return DigestContent(
        organization=organization,
        as_of=now,
        groups=len(scores),
        sections=(
            *(build(scores) for build in SECTION_BUILDERS),
            kits_section(scores, now=now),
        ),
    )

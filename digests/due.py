"""Who is due a digest now: organizations and members whose local send time has come."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from accounts.models import Membership
from digests.models import DigestOutbox
from digests.schedule import Week, due_state, zone


@dataclass(frozen=True)
class DueDigest:
    user_id: int
    organization_id: int
    email: str
    organization_name: str
    time_zone: str
    week: Week
    scheduled_at: datetime  # UTC

    @property
    def pair(self) -> list[int]:
        return [self.user_id, self.organization_id]


def digests_due(now: datetime, *, clock: datetime | None = None) -> list[DueDigest]:
    """Every (user, organization) whose digest of the current week (on the user's calendar)
    is due at `now` and not sent, skipped, being sent or given up on. Two queries.

    `clock` is the real time, against which claims are judged stale (default: now).
    """
    clock = clock or timezone.now()
    rows = (
        Membership.objects.filter(user__is_active=True, user__digest_enabled=True)
        .order_by("organization_id", "user_id")
        .values_list(
            "user_id",
            "organization_id",
            "user__email",
            "organization__name",
            "user__time_zone",
            "user__digest_weekday",
            "user__digest_hour",
        )
    )
    states: dict[tuple[str, int, int], object] = {}
    candidates = []
    for user_id, org_id, email, org_name, tz_name, weekday, hour in rows:
        key = (tz_name, weekday, hour)
        state = states.get(key)
        if state is None:
            state = states[key] = due_state(now, zone(tz_name), weekday=weekday, hour=hour)
        if state.due:
            candidates.append(
                DueDigest(user_id, org_id, email, org_name, tz_name, state.week, state.scheduled_at)
            )
    if not candidates:
        return []
    done = set(_settled(candidates, clock=clock))
    return [
        c
        for c in candidates
        if (c.user_id, c.organization_id, c.week.year, c.week.week) not in done
    ]


def _settled(candidates: Iterable[DueDigest], *, clock: datetime):
    weeks = {c.week for c in candidates}
    query = Q()
    for week in weeks:
        query |= Q(iso_year=week.year, iso_week=week.week)
    return (
        DigestOutbox.objects.filter(query)
        .settled(clock=clock)
        .values_list("user_id", "organization_id", "iso_year", "iso_week")
    )
